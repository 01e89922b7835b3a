/**
 * "Example ID": a small OpenID provider (oidc-provider) for the demo and the tests, with one registered app, two
 * accounts with real passwords, and back-channel logout. Everything lives in memory: a restart forgets every session.
 *
 *   node scripts/dev-idp.mjs [--port 4400] [--app-origin http://localhost:3000] [--backchannel-origin ORIGIN] [--host 127.0.0.1]
 *     [--client-id session-timeout-demo] [--client-secret S] [--jwks private-jwks.json] [--session-ttl 36000]
 *     [--ignore-max-age]
 *
 * `--ignore-max-age` makes it behave as some providers do, and drop `max_age` from authorization requests: a test's
 * way to show that the app checks `auth_time` itself.
 *
 * stdout carries JSON lines only, for the harness that starts it: `{"event":"listening","issuer":…,"pid":…}` once
 * it accepts requests, then one `{"event":"backchannel","ok":…}` per back-channel logout it sends. Notices and
 * errors go to stderr. SIGTERM or SIGINT stops it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { Provider } from 'oidc-provider';
import { TEXT, errorPage, signInPage, signOutPage, signedOutPage } from './dev-idp-pages.mjs';

// oidc-provider prints its notices with console.info, which is stdout: keep that channel for the JSON lines.
console.info = console.warn;

/**
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  console.error(`dev-idp: ${message}`);
  process.exit(2);
}

/** @type {{ values: Record<string, string | undefined> }} */
const { values: flags } = (() => {
  try {
    return parseArgs({
      options: {
        port: { type: 'string', default: '4400' },
        host: { type: 'string', default: '127.0.0.1' },
        'app-origin': { type: 'string', default: 'http://localhost:3000' },
        'backchannel-origin': { type: 'string' },
        'client-id': { type: 'string', default: 'session-timeout-demo' },
        'client-secret': { type: 'string', default: 'session-timeout-demo-dev-client-secret-012345678' },
        jwks: { type: 'string' },
        'session-ttl': { type: 'string', default: String(10 * 60 * 60) },
        'ignore-max-age': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    return fail(/** @type {Error} */ (error).message);
  }
})();

/**
 * @param {string} name
 * @param {number} min
 * @param {number} max
 */
function integerFlag(name, min, max) {
  const value = Number(flags[name]);
  if (!Number.isInteger(value) || value < min || value > max) fail(`--${name} must be a whole number from ${min} to ${max}`);
  return value;
}

const port = integerFlag('port', 0, 65_535);
const sessionTtl = integerFlag('session-ttl', 1, 366 * 24 * 60 * 60);
const host = flags.host ?? '127.0.0.1';
const clientId = flags['client-id'] ?? '';
const clientSecret = flags['client-secret'] ?? '';
if (!clientId || clientSecret.length < 32) fail('--client-id must not be empty and --client-secret must have at least 32 characters');
/** @param {string} name */
function originFlag(name) {
  try {
    const origin = new URL(flags[name] ?? '').origin;
    if (origin === flags[name]?.replace(/\/$/, '')) return origin;
  } catch {
    // reported below
  }
  return fail(`--${name} must be an origin such as http://localhost:3000 (no path)`);
}
const appOrigin = originFlag('app-origin');
// Where the provider posts logout tokens, server to server: the app's origin, unless the browser reaches the app
// through a front the provider cannot (an https front with a certificate of its own, as the WebKit tests use).
const backchannelOrigin = flags['backchannel-origin'] === undefined ? appOrigin : originFlag('backchannel-origin');

/** The signing key: the one in --jwks, so tests can sign logout tokens with it too, or a new one for this run. */
async function signingKeys() {
  if (flags.jwks) {
    const jwks = JSON.parse(readFileSync(flags.jwks, 'utf8'));
    if (!Array.isArray(jwks.keys) || !jwks.keys.some((/** @type {{ d?: string }} */ key) => key.d)) fail(`${flags.jwks} holds no private key`);
    return jwks;
  }
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { keys: [{ ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'RS256', use: 'sig' }] };
}

/**
 * The accounts. Each `sub` differs from the username on purpose: code that keys an app session on
 * `preferred_username` where it should key it on `sub` (or the other way round) fails a test instead of passing by luck.
 */
const ACCOUNTS = [
  { sub: '248289761001', username: 'alice', password: 'alice-password', name: 'Alice Example' },
  { sub: '248289761002', username: 'bob', password: 'bob-password', name: 'Bob Example' },
];

/** oidc-provider's account id is the `sub`: it puts the account id into back-channel logout tokens as `sub`. */
async function findAccount(_ctx, /** @type {string} */ sub) {
  const account = ACCOUNTS.find((candidate) => candidate.sub === sub);
  if (!account) return undefined;
  return { accountId: sub, claims: async () => ({ sub, preferred_username: account.username, name: account.name }) };
}

/** @param {Record<string, unknown>} record */
const emit = (record) => process.stdout.write(`${JSON.stringify(record)}\n`);
/** @param {unknown} error */
const describe = (error) => {
  const { message, cause } = /** @type {Error} */ (error);
  return cause instanceof Error ? `${message}: ${cause.message}` : String(message ?? error);
};

// Made before listening: from the first request on, everything the provider needs is there.
const jwks = await signingKeys();
const server = createServer();
await new Promise((resolve) => {
  server.once('error', (/** @type {NodeJS.ErrnoException} */ error) => fail(`cannot listen on ${host}:${port}: ${error.code ?? error.message}`));
  // With --host localhost the issuer says localhost but it listens on 127.0.0.1 only: clients that try ::1 first fall back.
  server.listen(port, host === 'localhost' ? '127.0.0.1' : host, () => resolve(undefined));
});
const address = server.address();
const issuer = `http://${host}:${typeof address === 'object' && address ? address.port : port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      application_type: 'web',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      // openid-client's default; oidc-provider 9 accepts the secret in a Basic header as well.
      token_endpoint_auth_method: 'client_secret_post',
      redirect_uris: [`${appOrigin}/api/oidc/callback`],
      post_logout_redirect_uris: [`${appOrigin}/login`],
      backchannel_logout_uri: `${backchannelOrigin}/api/oidc/backchannel-logout`,
      backchannel_logout_session_required: true,
      // Without it, auth_time is in the ID token only when max_age or prompt=login was asked for.
      require_auth_time: true,
    },
  ],
  jwks,
  findAccount,
  responseTypes: ['code'],
  // The profile claims go into the ID token itself, not only to /me: the app reads them from the ID token.
  conformIdTokenClaims: false,
  // Naming claims replaces oidc-provider's list, so the standard ones it lists by default are named again.
  claims: { openid: ['sub'], profile: ['preferred_username', 'name'], acr: null, sid: null, auth_time: null, iss: null },
  scopes: ['openid', 'profile'],
  pkce: { required: () => true },
  features: {
    // The built-in pages accept any password; this provider checks them (the routes below).
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.type = 'html';
        ctx.body = signOutPage(form);
      },
      postLogoutSuccessSource: async (ctx) => {
        ctx.type = 'html';
        ctx.body = signedOutPage();
      },
    },
    backchannelLogout: { enabled: true },
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  // The one app is first-party: it gets what it asks for without a consent page.
  async loadExistingGrant(ctx) {
    const { client, session, provider: op } = ctx.oidc;
    const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
    const existing = grantId ? await op.Grant.find(grantId) : undefined;
    if (existing) return existing;
    const grant = new op.Grant({ clientId: client.clientId, accountId: session.accountId });
    grant.addOIDCScope('openid profile');
    await grant.save();
    return grant;
  },
  cookies: {
    // A new key each start: the sessions are in memory and gone after a restart anyway.
    keys: [randomBytes(32).toString('base64url')],
    // Cookies ignore ports: on localhost the app's cookies and these share one jar, so these carry a prefix.
    names: { session: 'idp_session', interaction: 'idp_interaction', resume: 'idp_interaction_resume' },
  },
  // Session is sliding: oidc-provider saves it again with the full lifetime whenever it is used.
  ttl: { Session: sessionTtl, Grant: sessionTtl, Interaction: 10 * 60, AuthorizationCode: 60, AccessToken: 10 * 60, IdToken: 60 * 60 },
  // The app calls the token endpoint from its server; no browser script calls this provider across origins.
  clientBasedCORS: () => false,
  // oidc-provider 9 gives its outgoing requests a dispatcher that refuses loopback and private addresses (SSRF
  // protection), which would stop every back-channel logout to an app on localhost. Dropping it is safe only
  // because this provider is for development and tests and posts to the one app it was started for.
  fetch: (url, options) => globalThis.fetch(url, { ...options, dispatcher: undefined }),
  async renderError(ctx, out, error) {
    console.error(JSON.stringify({ event: 'error', error: out.error, description: out.error_description, detail: describe(error) }));
    ctx.type = 'html';
    ctx.body = errorPage(out.error_description ?? TEXT.error.heading, out.error);
  },
});

provider.on('backchannel.success', (_ctx, client, sub, sid) => emit({ event: 'backchannel', ok: true, via: 'end_session', client: client.clientId, sub, sid }));
provider.on('backchannel.error', (_ctx, error, client, sub, sid) =>
  emit({ event: 'backchannel', ok: false, via: 'end_session', client: client.clientId, sub, sid, error: describe(error) }),
);
provider.on('server_error', (_ctx, error) => console.error(JSON.stringify({ event: 'server_error', error: describe(error), stack: error.stack })));

/** A form body, bounded: these are two short fields, never an upload. */
async function readForm(/** @type {import('node:http').IncomingMessage} */ req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 16_384) throw new Error('form too large');
  }
  return Object.fromEntries(new URLSearchParams(body));
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string} html
 */
function sendPage(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

const INTERACTION = /^\/interaction\/([\w-]+)(?:\/(login|abort))?$/;

/** The sign-in step: GET shows the form, POST …/login checks the password, …/abort cancels (access_denied). */
async function interaction(/** @type {import('node:http').IncomingMessage} */ req, /** @type {import('node:http').ServerResponse} */ res, /** @type {URL} */ url) {
  const [, uid, action] = INTERACTION.exec(url.pathname) ?? [];
  if (!uid) return sendPage(res, 404, errorPage(TEXT.error.notFound));
  const details = await provider.interactionDetails(req, res).catch(() => undefined);
  if (details?.uid !== uid) return sendPage(res, 400, errorPage(TEXT.error.expired));
  if (action === 'abort') {
    return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'End-User aborted interaction' }, { mergeWithLastSubmission: false });
  }
  if (details.prompt.name !== 'login') return sendPage(res, 500, errorPage(TEXT.error.unsupported, details.prompt.name));
  if (req.method === 'GET' && !action) {
    const hint = details.params.login_hint;
    return sendPage(res, 200, signInPage({ uid, username: typeof hint === 'string' ? hint : '' }));
  }
  if (req.method !== 'POST' || action !== 'login') return sendPage(res, 405, errorPage(TEXT.error.notFound));
  const { username = '', password = '' } = await readForm(req);
  const account = ACCOUNTS.find((candidate) => candidate.username === username && candidate.password === password);
  if (!account) return sendPage(res, 401, signInPage({ uid, username, wrong: true }));
  return provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
}

/**
 * For tests only: makes the provider sign a logout token for `sub` (and `sid`) and post it to the app's
 * back-channel logout URI, as it does when a person signs out here, without a browser. 204, or 502 with why.
 */
async function testBackchannelLogout(/** @type {import('node:http').IncomingMessage} */ req, /** @type {import('node:http').ServerResponse} */ res) {
  if (req.method !== 'POST') return sendPage(res, 405, errorPage(TEXT.error.notFound));
  const { sub, sid } = await readForm(req);
  if (!sub) return res.writeHead(400, { 'content-type': 'text/plain' }).end('sub is required');
  try {
    const client = await provider.Client.find(clientId);
    if (!client) throw new Error(`no client ${clientId}`);
    await client.backchannelLogout(sub, sid || undefined);
    emit({ event: 'backchannel', ok: true, via: 'test', client: clientId, sub, sid });
    res.writeHead(204).end();
  } catch (error) {
    emit({ event: 'backchannel', ok: false, via: 'test', client: clientId, sub, sid, error: describe(error) });
    res.writeHead(502, { 'content-type': 'text/plain' }).end(describe(error));
  }
}

const handle = provider.callback();
server.on('request', (req, res) => {
  const url = new URL(req.url ?? '/', issuer);
  if (flags['ignore-max-age'] && url.pathname === '/auth' && url.searchParams.has('max_age')) {
    url.searchParams.delete('max_age');
    req.url = `${url.pathname}${url.search}`;
  }
  const route = url.pathname.startsWith('/interaction/')
    ? interaction(req, res, url)
    : url.pathname === '/test/backchannel-logout'
      ? testBackchannelLogout(req, res)
      : handle(req, res);
  Promise.resolve(route).catch((error) => {
    console.error(JSON.stringify({ event: 'server_error', path: url.pathname, error: describe(error) }));
    if (!res.headersSent) sendPage(res, 500, errorPage(TEXT.error.heading));
    else res.end();
  });
});

emit({ event: 'listening', issuer, pid: process.pid });
// For a person running `npm run dev:idp`: what the app needs to use it, on stderr, beside the notices.
console.error(
  [
    `Example ID is listening at ${issuer} for the app at ${appOrigin}. Put this in the app's .env.local, then npm run dev:`,
    `OIDC_ISSUER=${issuer}`,
    `OIDC_CLIENT_ID=${clientId}`,
    `OIDC_CLIENT_SECRET=${clientSecret}`,
    'OIDC_PROVIDER_NAME=Example ID',
    'Accounts: alice / alice-password, bob / bob-password.',
  ].join('\n'),
);

function stop() {
  server.close(() => process.exit(0));
  // A browser's keep-alive connections would hold close() open.
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 1_000).unref();
}
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
