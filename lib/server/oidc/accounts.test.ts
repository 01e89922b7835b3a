import { beforeAll, describe, expect, it } from 'vitest';

let providerUsername: typeof import('./accounts').providerUsername;
let findUser: typeof import('../sign-in/users').findUser;

beforeAll(async () => {
  Object.assign(process.env, {
    SESSION_SECRET: 'unit-test-secret-that-is-long-enough-0123',
    SESSION_DB_PATH: ':memory:',
    OIDC_ISSUER: 'https://id.example.com:8443/realms/staff',
    OIDC_CLIENT_ID: 'session-timeout',
    OIDC_CLIENT_SECRET: 's3cret',
    OIDC_PROVIDER_NAME: 'Example ID',
  });
  ({ providerUsername } = await import('./accounts'));
  ({ findUser } = await import('../sign-in/users'));
});

describe('the names of the provider\'s users', () => {
  it('are the preferred_username, folded as a typed name is, then @ and the provider\'s host', () => {
    expect(providerUsername({ sub: 'f3a1', preferred_username: ' Ａlice ' })).toBe('alice@id.example.com:8443');
    expect(providerUsername({ sub: 'f3a1', preferred_username: 'alice@contoso.com' })).toBe('alice@contoso.com@id.example.com:8443');
  });

  it('fall back to the sub, case kept, when preferred_username is missing, not a string, blank or too long', () => {
    for (const preferred of [undefined, 42, '   ', 'x'.repeat(90)]) expect(providerUsername({ sub: 'F3a1-b', preferred_username: preferred })).toBe('F3a1-b@id.example.com:8443');
  });

  it('are refused when neither claim makes a name of at most 100 characters without control characters', () => {
    expect(providerUsername({ sub: 'y'.repeat(90) })).toBeUndefined();
    expect(providerUsername({ sub: 'a\u0000b', preferred_username: 'c\nd' })).toBeUndefined();
    for (const hidden of ['ali\u202Ece', 'al\u200Bice', 'al\uD800ice', 'al\uFFFDice', 'al\uE000ice']) expect(providerUsername({ sub: hidden, preferred_username: hidden })).toBeUndefined();
  });

  it('name a user of the role "user" while the provider is set; a local account is never one of them', () => {
    expect(findUser('alice@id.example.com:8443')).toEqual({ username: 'alice@id.example.com:8443', displayName: 'alice', role: 'user' });
    expect(findUser('@id.example.com:8443')).toBeUndefined();
    expect(findUser('alice@other.example.com')).toBeUndefined();
    expect(findUser('demo')).toMatchObject({ username: 'demo', role: 'user' });
    expect(findUser('admin')).toMatchObject({ username: 'admin', role: 'admin' });
  });
});

describe('a sub, sid or jti the app keeps or takes', () => {
  it('is a short string a store can key: no control character, no lone surrogate, nothing empty or over 255', async () => {
    const { isProviderClaim } = await import('./accounts');
    for (const good of ['248289761001', 'aB3-_.~:@x', 'é'.repeat(255)]) expect(isProviderClaim(good), good).toBe(true);
    for (const bad of ['', 'x'.repeat(256), 'a\u0000b', 'a\nb', '\ud800', 'a\udfffb', 42, undefined, ['sid']]) expect(isProviderClaim(bad), JSON.stringify(bad)).toBe(false);
  });
});
