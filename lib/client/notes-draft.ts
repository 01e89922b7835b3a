/**
 * The dashboard's unsaved notes, kept in this browser under the user's name on every keystroke, so a
 * timeout loses nothing and the same user finds them again after signing in (WCAG 2.2.5); another
 * account never reads them. Storage can be full or blocked: then the notes live in the page only.
 */
import 'client-only';
export const draftKey = (username: string) => `notes-draft:${username}`;

export function readDraft(username: string): string {
  try {
    return window.localStorage.getItem(draftKey(username)) ?? '';
  } catch {
    return '';
  }
}

export function writeDraft(username: string, text: string): void {
  try {
    if (text) window.localStorage.setItem(draftKey(username), text);
    else window.localStorage.removeItem(draftKey(username));
  } catch {
    // Full or blocked: nothing more can be done without a server.
  }
}
