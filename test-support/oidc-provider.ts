import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startApp, type RunningApp } from './app-server';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { canConnect } from './ports';
import { PORT_BASE } from './redis-server';
import { spawnRecorded, stopOwnListenerOn } from './run-mark';

/**
 * Ports for the test OpenID provider: ten per checkout in 4500..4599, moved by E2E_PORT_BASE (3100: 4500..4509,
 * 3200: 4510..4519) as Postgres's are. Not `PORT_BASE + 700`: that is where another checkout's app servers
 * (base 3800) or bench (base 3600) would be. Clear of the app servers (base..base+99), the bench's (base+200..+249),
 * Postgres (5470..5489, 5600..5799), Redis (6370..6409 and up), the cluster (7100..7399, 17100..17399), and of
 * `npm run dev` (3000) and `npm run dev:idp` (4400), which may be running while the tests do.
 */
export const oidcProviderPort = (offset = 0) => 4500 + ((Math.floor((PORT_BASE - 3100) / 100) * 10 + offset) % 100);

const CLIENT_ID = 'session-timeout-demo';
const CLIENT_SECRET = 'oidc-test-client-secret-that-is-long-enough-0123';
const SCRIPT = join(process.cwd(), 'scripts', 'dev-idp.mjs');
const READY_TIMEOUT_MS = 15_000;

export interface OidcProviderOptions {
  /** Where it listens on 127.0.0.1 (`oidcProviderPort(n)`); 0 lets it pick a free port. */
  port: number;
  /** The app's origin as the browser reaches it (`http://localhost:PORT`): the callback and logout URIs hang off it. */
  appOrigin: string;
  /** Where it posts logout tokens, when not `appOrigin`: the app itself, behind the https front the browser uses. */
  backchannelOrigin?: string;
  /** The provider's own session lifetime, sliding; 10 hours unless a test needs it to run out. */
  sessionTtlS?: number;
  /** Drop `max_age` from authorization requests, as some providers do. */
  ignoreMaxAge?: boolean;
}

/** One back-channel logout the provider sent: `via` `end_session` when a person signed out there, `test` from the hook. */
export interface BackchannelOutcome {
  ok: boolean;
  via: 'end_session' | 'test';
  sub?: string;
  sid?: string;
  /** Why it failed: the app's status, a timeout, a refused connection. */
  error?: string;
}

export interface RunningOidcProvider {
  /** `http://127.0.0.1:PORT`, exactly as the ID tokens' `iss` spells it. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  port: number;
  pid: number;
  /** The private RS256 key the provider signs with (`kid`, `alg`, `use: 'sig'`), so a test can sign or forge logout tokens. */
  signingKey: JWK;
  /** Every back-channel logout sent so far, oldest first: a failed delivery is otherwise silent. */
  backchannel: readonly BackchannelOutcome[];
  /** Has the provider sign a logout token for `sub` (and `sid`) and post it to the app; rejects unless the app answers 200 or 204. */
  backchannelLogout(sub: string, sid?: string): Promise<void>;
  /** SIGTERM by its pid, SIGKILL after 3 s; resolves once it has exited. */
  stop(): Promise<void>;
}

async function newSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'RS256', use: 'sig' };
}

const parseLine = (line: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Starts "Example ID" (scripts/dev-idp.mjs) with a key of the test's own, on loopback, with the Node running the tests.
 * A provider an earlier, crashed run left on the port is stopped by its pid; anyone else's there makes this throw.
 */
export async function startOidcProvider({ port, appOrigin, backchannelOrigin, sessionTtlS = 10 * 60 * 60, ignoreMaxAge = false }: OidcProviderOptions): Promise<RunningOidcProvider> {
  if (!existsSync(SCRIPT)) throw new Error(`${SCRIPT} not found: start the tests from the checkout's root`);
  if (port !== 0) {
    await stopOwnListenerOn(port);
    if (await canConnect(port)) throw new Error(`port ${port} is already in use: cannot start the test OpenID provider there`);
  }
  const signingKey = await newSigningKey();
  const dir = mkdtempSync(join(tmpdir(), 'session-oidc-'));
  const jwksFile = join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [signingKey] }), { mode: 0o600 });

  const args = ['--port', String(port), '--app-origin', appOrigin, '--jwks', jwksFile, '--session-ttl', String(sessionTtlS), ...(ignoreMaxAge ? ['--ignore-max-age'] : []), ...(backchannelOrigin ? ['--backchannel-origin', backchannelOrigin] : [])];
  const child = spawnRecorded(process.execPath, [SCRIPT, ...args, '--client-id', CLIENT_ID, '--client-secret', CLIENT_SECRET], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8_192);
    if (process.env.E2E_SERVER_LOGS) process.stderr.write(chunk);
  });
  const withStderr = (message: string) => new Error(stderr.trim() ? `${message}; its stderr:\n${stderr.trim()}` : message);

  const backchannel: BackchannelOutcome[] = [];
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const late = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(late);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const ready = new Promise<{ issuer: string; pid: number }>((resolve, reject) => {
    const { stdout } = child;
    if (!stdout) return reject(new Error('the test OpenID provider was started without a stdout to read'));
    const timer = setTimeout(() => reject(withStderr(`the test OpenID provider did not start within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    child.once('error', (error) => reject(new Error(`could not start ${SCRIPT}: ${error.message}`)));
    void exited.then(() => {
      clearTimeout(timer);
      reject(withStderr(`the test OpenID provider exited (${child.signalCode ?? `code ${child.exitCode}`}) while starting`));
    });
    createInterface({ input: stdout }).on('line', (line) => {
      const record = parseLine(line);
      if (record?.event === 'listening' && typeof record.issuer === 'string' && typeof record.pid === 'number') {
        clearTimeout(timer);
        resolve({ issuer: record.issuer, pid: record.pid });
      } else if (record?.event === 'backchannel') {
        backchannel.push(record as unknown as BackchannelOutcome);
      }
    });
  });

  let started: { issuer: string; pid: number };
  try {
    started = await ready;
  } catch (error) {
    await stop();
    throw error;
  }
  // The provider read the key before it listened: a test that crashes from here on leaves no private key on disk.
  rmSync(dir, { recursive: true, force: true });

  const { issuer, pid } = started;
  return {
    issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    port: Number(new URL(issuer).port),
    pid,
    signingKey,
    backchannel,
    async backchannelLogout(sub, sid) {
      const response = await fetch(`${issuer}/test/backchannel-logout`, {
        method: 'POST',
        body: new URLSearchParams(sid === undefined ? { sub } : { sub, sid }),
      });
      if (response.status !== 204) throw new Error(`back-channel logout of ${sub} failed (${response.status}): ${await response.text()}`);
    },
    stop,
  };
}

/** The app's settings for `provider`, its button saying "Sign in with {name}". */
export const appSettingsFor = (provider: Pick<RunningOidcProvider, 'issuer' | 'clientId' | 'clientSecret'>, name = 'Example ID') => ({
  OIDC_ISSUER: provider.issuer,
  OIDC_CLIENT_ID: provider.clientId,
  OIDC_CLIENT_SECRET: provider.clientSecret,
  OIDC_PROVIDER_NAME: name,
});

/**
 * The test provider and an app of the suite's own set to it, started together (the provider first: the app names its
 * issuer), and stopped together, each by its pid.
 */
export async function startAppWithProvider(
  appPortNumber: number,
  provider: Omit<OidcProviderOptions, 'appOrigin'>,
  env: Record<string, string>,
): Promise<{ provider: RunningOidcProvider; app: RunningApp; stop(): Promise<void> }> {
  const running = await startOidcProvider({ ...provider, appOrigin: `http://localhost:${appPortNumber}` });
  try {
    const app = await startApp(appPortNumber, { ...appSettingsFor(running), ...env });
    return {
      provider: running,
      app,
      async stop() {
        await app.stop();
        await running.stop();
      },
    };
  } catch (error) {
    await running.stop();
    throw error;
  }
}
