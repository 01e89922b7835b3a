import 'server-only';
import { endSession, getSession, toStatus, type CookieReader } from './session';

/**
 * Signs out the session behind the cookie, unless the caller named another one. A tab names the
 * session it was rendered for: its cookie is the browser's, shared with every tab, and names another
 * session once someone signs in again in another tab; that one is not this tab's to end.
 */
export async function signOut(jar: CookieReader, meantTag?: string): Promise<'ended' | 'another-session'> {
  if (meantTag !== undefined) {
    const read = await getSession(jar);
    if (read.active && toStatus(read.session, read.now).sessionTag !== meantTag) return 'another-session';
  }
  await endSession();
  return 'ended';
}
