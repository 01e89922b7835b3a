import 'server-only';
import { z } from 'zod';
import { parseDuration } from '../../shared/duration';
import { blankIsUnset } from '../env-schemas';

/** Signing in through an OpenID provider (`OIDC_*`): none of them set, and the login page has only its password form. */
export interface OidcSettings {
  /** The provider's issuer, exactly as its discovery document names itself. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** What the button says: "Sign in with {providerName}". */
  providerName: string;
  /**
   * The oldest authentication at the provider a sign-in accepts (`max_age`), in ms; unset, the idle lifetime of the
   * role the session gets, so that a provider session left open cannot undo the app's idle sign-out.
   */
  maxAgeMs?: number;
  /**
   * What Sign out does to the person's session at the provider (`OIDC_PROVIDER_SIGN_OUT`): `offer` a second button that
   * ends it too (the default), do it `always`, or `never`. Ending it is RP-initiated logout, with the ID token as hint.
   */
  providerSignOut: ProviderSignOut;
  /**
   * The origin people reach this app at (`OIDC_APP_ORIGIN`), for the addresses handed to the provider: its redirect
   * URI and where to come back after signing out there. Unset, the address the server itself listens on, which is
   * right only with nothing in front of it; never the request's Host, which anyone can write.
   */
  appOrigin?: string;
}

export const PROVIDER_SIGN_OUT = ['offer', 'always', 'never'] as const;
export type ProviderSignOut = (typeof PROVIDER_SIGN_OUT)[number];

/** The hosts an `http://` issuer may name: a provider on this machine (the tests, `npm run dev:idp`). */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const PROVIDER_NAME_MAX = 40;
/** Room for a provider's longest client ids (Entra's are GUIDs, Google's about 75 characters). */
const CLIENT_ID_MAX = 255;

const required = (what: string) => blankIsUnset.pipe(z.string({ error: `is missing: ${what}` }));

const issuer = required('the provider\'s issuer URL (its discovery document is at {issuer}/.well-known/openid-configuration)').pipe(
  z.string().transform((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be a URL, got "${text}"` });
      return z.NEVER;
    }
    const loopback = LOOPBACK_HOSTS.has(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
      ctx.addIssue({ code: 'custom', message: `must be an https:// URL (http:// only on localhost, 127.0.0.1 or [::1]), got "${text}"` });
    } else if (url.username || url.password || url.search || url.hash) {
      ctx.addIssue({ code: 'custom', message: 'must be the issuer alone, with no user, query or fragment' });
    }
    // The issuer is compared with the discovery document's as a string: it is kept as written.
    return text;
  }),
);

/** Every variable is parsed, so each one that is wrong is named at once; all but `OIDC_MAX_AGE`, `OIDC_PROVIDER_SIGN_OUT` and `OIDC_APP_ORIGIN` are then required. */
const OidcSettingsSchema = z
  .object({
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_ID: required('the client id the provider registered for this app').pipe(z.string().max(CLIENT_ID_MAX, `must be at most ${CLIENT_ID_MAX} characters`)),
    OIDC_CLIENT_SECRET: required('the client secret the provider gave this app'),
    OIDC_PROVIDER_NAME: required('what the login page\'s button calls the provider ("Sign in with …")').pipe(
      z
        .string()
        .max(PROVIDER_NAME_MAX, `must be at most ${PROVIDER_NAME_MAX} characters`)
        .regex(/^[^\u0000-\u001f\u007f]+$/, 'must be one line of text'),
    ),
    OIDC_MAX_AGE: blankIsUnset.pipe(
      z
        .string()
        .transform((text, ctx) => {
          // 0 is a bound too: the provider asks for the password at every sign-in.
          const ms = /^0+[smh]?$/i.test(text.trim()) ? 0 : parseDuration(text);
          if (ms === undefined) ctx.addIssue({ code: 'custom', message: `expected a duration such as 30m, 90s, 12h or plain seconds, got "${text}"` });
          return ms ?? z.NEVER;
        })
        .optional(),
    ),
    OIDC_APP_ORIGIN: blankIsUnset.pipe(
      z
        .string()
        .transform((text, ctx) => {
          let url: URL | undefined;
          try {
            url = new URL(text);
          } catch {
            url = undefined;
          }
          const loopback = url !== undefined && LOOPBACK_HOSTS.has(url.hostname);
          if (!url || url.origin !== text.replace(/\/$/, '') || !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))) {
            ctx.addIssue({ code: 'custom', message: `must be an origin such as https://app.example.com (http:// only on localhost), with no path, got "${text}"` });
            return z.NEVER;
          }
          return url.origin;
        })
        .optional(),
    ),
    OIDC_PROVIDER_SIGN_OUT: blankIsUnset.pipe(
      z.enum(PROVIDER_SIGN_OUT, { error: (issue) => `must be offer, always or never, got "${String(issue.input)}"` }).default('offer'),
    ),
  })
  .transform((env): OidcSettings => ({
    issuer: env.OIDC_ISSUER,
    clientId: env.OIDC_CLIENT_ID,
    clientSecret: env.OIDC_CLIENT_SECRET,
    providerName: env.OIDC_PROVIDER_NAME.trim(),
    ...(env.OIDC_MAX_AGE === undefined ? {} : { maxAgeMs: env.OIDC_MAX_AGE }),
    providerSignOut: env.OIDC_PROVIDER_SIGN_OUT,
    ...(env.OIDC_APP_ORIGIN === undefined ? {} : { appOrigin: env.OIDC_APP_ORIGIN }),
  }));

/** The settings, `undefined` when no `OIDC_` variable is set, or the zod issues naming each variable that is wrong. */
export function parseOidcSettings(source: Record<string, string | undefined>): z.ZodSafeParseResult<OidcSettings | undefined> {
  const anySet = Object.keys(OidcSettingsSchema.in.shape).some((name) => source[name] !== undefined && source[name] !== '');
  return anySet ? OidcSettingsSchema.safeParse(source) : { success: true, data: undefined };
}
