import type { Account } from './demo-accounts';
import { postJson } from './post-json';

export interface SignInOptions {
  /** "Keep me signed in". */
  remember?: boolean;
  /** Sent as `X-Forwarded-For`, the client address the throttle counts by. */
  address?: string;
  /** A `name=value` pair sent as the Cookie header, such as the device cookie. */
  cookie?: string;
}

/** The body and headers of a sign-in, the same whether plain HTTP or Playwright's `APIRequestContext` sends them. */
export function signInRequest(account: Account, { remember, address, cookie }: SignInOptions = {}) {
  const data = { username: account.username, password: account.password, ...(remember === undefined ? {} : { remember }) };
  const headers: Record<string, string> = {
    ...(address === undefined ? {} : { 'X-Forwarded-For': address }),
    ...(cookie === undefined ? {} : { Cookie: cookie }),
  };
  return { data, headers };
}

export interface SignInAnswer {
  status: number;
  /** The session cookie's `name=value` pair, to send back as the Cookie header; `undefined` when none was set. */
  cookie: string | undefined;
  /** Every Set-Cookie line, whole. */
  setCookies: string[];
  headers: Headers;
  /** The answer parsed as JSON, or `undefined` when it is not JSON. */
  body: unknown;
  text: string;
}

// `__Host-session` in production, as the tests run the app; `session` in development.
const SESSION_COOKIE = /^(__Host-)?session=/;

/**
 * Signs in with plain HTTP, no browser, on a connection of its own: a burst of sign-ins sent at once
 * must not meet a pooled connection the server is closing (see `post-json.ts`).
 */
export async function signInOverHttp(baseUrl: string, account: Account, options: SignInOptions = {}): Promise<SignInAnswer> {
  const { data, headers } = signInRequest(account, options);
  const answer = await postJson(`${baseUrl}/api/session`, data, headers);
  const setCookies = answer.headers.getSetCookie();
  const cookie = setCookies.map((line) => line.split(';')[0] ?? '').find((pair) => SESSION_COOKIE.test(pair));
  return { status: answer.status, cookie, setCookies, headers: answer.headers, body: parseJson(answer.text), text: answer.text };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
