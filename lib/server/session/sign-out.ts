import 'server-only';
import type { Result } from '../../shared/result';
import { endSession, readSession, toStatus, type CookieReader } from './session';

/**
 * Signs out the session behind the cookie, unless the caller named another one. A tab names the
 * session it was rendered for: its cookie is the browser's, shared with every tab, and names another
 * session once someone signs in again in another tab; that one is not this tab's to end.
 */
export async function signOut(jar: CookieReader, meantTag?: string): Promise<Result<undefined, 'another-session'>> {
  if (meantTag !== undefined) {
    const read = await readSession(jar);
    if (read.active && toStatus(read.session, read.now).sessionTag !== meantTag) return { ok: false, reason: 'another-session' };
  }
  await endSession();
  return { ok: true, value: undefined };
}
