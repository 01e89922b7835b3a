import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config';

const SECRET = 'x'.repeat(32);
const PROVIDER = { OIDC_ISSUER: 'https://id.example.com/realms/staff', OIDC_CLIENT_ID: 'session-timeout', OIDC_CLIENT_SECRET: 's3cret', OIDC_PROVIDER_NAME: 'Example ID' };
const parse = (env: Record<string, string>) => parseConfig({ SESSION_SECRET: SECRET, ...env });

describe('the OpenID provider settings', () => {
  it('are read whole, the issuer kept exactly as written; without any of them there is no provider', () => {
    expect(parse(PROVIDER).oidc).toEqual({ issuer: 'https://id.example.com/realms/staff', clientId: 'session-timeout', clientSecret: 's3cret', providerName: 'Example ID', providerSignOut: 'offer' });
    expect(parse({}).oidc).toBeUndefined();
    expect(parse({ OIDC_ISSUER: '', OIDC_PROVIDER_NAME: '' }).oidc).toBeUndefined();
  });

  it('take OIDC_MAX_AGE as a duration, 0 included (the password at every sign-in)', () => {
    expect(parse({ ...PROVIDER, OIDC_MAX_AGE: '15m' }).oidc?.maxAgeMs).toBe(900_000);
    expect(parse({ ...PROVIDER, OIDC_MAX_AGE: '0' }).oidc?.maxAgeMs).toBe(0);
    expect(parse({ ...PROVIDER, OIDC_MAX_AGE: '' }).oidc?.maxAgeMs).toBeUndefined();
  });

  it('take OIDC_PROVIDER_SIGN_OUT as offer (the default), always or never', () => {
    for (const choice of ['offer', 'always', 'never'] as const) expect(parse({ ...PROVIDER, OIDC_PROVIDER_SIGN_OUT: choice }).oidc?.providerSignOut).toBe(choice);
    expect(parse({ ...PROVIDER, OIDC_PROVIDER_SIGN_OUT: '' }).oidc?.providerSignOut).toBe('offer');
  });

  it('take OIDC_APP_ORIGIN as an https:// origin (http:// on loopback only), with no path', () => {
    expect(parse({ ...PROVIDER, OIDC_APP_ORIGIN: 'https://app.example.com' }).oidc?.appOrigin).toBe('https://app.example.com');
    expect(parse({ ...PROVIDER, OIDC_APP_ORIGIN: 'https://app.example.com/' }).oidc?.appOrigin).toBe('https://app.example.com');
    expect(parse({ ...PROVIDER, OIDC_APP_ORIGIN: 'http://localhost:3000' }).oidc?.appOrigin).toBe('http://localhost:3000');
    expect(parse(PROVIDER).oidc?.appOrigin).toBeUndefined();
    for (const wrong of ['http://app.example.com', 'https://app.example.com/app', 'app.example.com', 'https://user@app.example.com']) {
      expect(() => parse({ ...PROVIDER, OIDC_APP_ORIGIN: wrong }), wrong).toThrow(/OIDC_APP_ORIGIN must be an origin such as https:\/\/app\.example\.com/);
    }
  });

  it('accept an http:// issuer only on a loopback host', () => {
    for (const issuer of ['http://localhost:4400', 'http://127.0.0.1:4400', 'http://[::1]:4400']) expect(parse({ ...PROVIDER, OIDC_ISSUER: issuer }).oidc?.issuer).toBe(issuer);
    expect(() => parse({ ...PROVIDER, OIDC_ISSUER: 'http://id.example.com' })).toThrow(/OIDC_ISSUER must be an https:\/\/ URL \(http:\/\/ only on localhost, 127\.0\.0\.1 or \[::1\]\)/);
    expect(() => parse({ ...PROVIDER, OIDC_ISSUER: 'http://127.0.0.1.example.com' })).toThrow(/OIDC_ISSUER must be an https:\/\/ URL/);
  });

  it.each([
    [{ ...PROVIDER, OIDC_ISSUER: 'id.example.com' }, /OIDC_ISSUER must be a URL, got "id.example.com"/],
    [{ ...PROVIDER, OIDC_ISSUER: 'ftp://id.example.com' }, /OIDC_ISSUER must be an https:\/\/ URL/],
    [{ ...PROVIDER, OIDC_ISSUER: 'https://id.example.com/?tenant=a' }, /OIDC_ISSUER must be the issuer alone/],
    [{ ...PROVIDER, OIDC_ISSUER: 'https://user:pw@id.example.com' }, /OIDC_ISSUER must be the issuer alone/],
    [{ ...PROVIDER, OIDC_ISSUER: '' }, /OIDC_ISSUER is missing/],
    [{ ...PROVIDER, OIDC_CLIENT_ID: '' }, /OIDC_CLIENT_ID is missing/],
    [{ ...PROVIDER, OIDC_CLIENT_SECRET: '' }, /OIDC_CLIENT_SECRET is missing/],
    [{ ...PROVIDER, OIDC_PROVIDER_NAME: '' }, /OIDC_PROVIDER_NAME is missing/],
    [{ ...PROVIDER, OIDC_PROVIDER_NAME: 'Example\nID' }, /OIDC_PROVIDER_NAME must be one line of text/],
    [{ ...PROVIDER, OIDC_PROVIDER_NAME: 'x'.repeat(41) }, /OIDC_PROVIDER_NAME must be at most 40 characters/],
    [{ ...PROVIDER, OIDC_MAX_AGE: 'soon' }, /OIDC_MAX_AGE expected a duration/],
    [{ ...PROVIDER, OIDC_PROVIDER_SIGN_OUT: 'sometimes' }, /OIDC_PROVIDER_SIGN_OUT must be offer, always or never, got "sometimes"/],
    [{ OIDC_MAX_AGE: '5m' }, /OIDC_ISSUER is missing/],
  ])('stop the server on %j, naming the variable', (env, message) => {
    expect(() => parse(env)).toThrow(message);
  });

  it('name every variable that is missing at once', () => {
    expect(() => parse({ OIDC_ISSUER: 'https://id.example.com' })).toThrow(/OIDC_CLIENT_ID is missing[\s\S]*OIDC_CLIENT_SECRET is missing[\s\S]*OIDC_PROVIDER_NAME is missing/);
  });

  it('are refused beside SESSION_STORE=cookie, naming both: nothing there could end a session the provider ended', () => {
    expect(() => parse({ ...PROVIDER, SESSION_STORE: 'cookie' })).toThrow(/OIDC_ISSUER is set, but SESSION_STORE=cookie keeps nothing/);
    expect(parse({ ...PROVIDER, SESSION_STORE: 'sqlite' }).oidc?.providerName).toBe('Example ID');
  });
});
