/**
 * Usernames an attacker may send, with what the sign-in must answer: the field's own message, or,
 * for a well-formed name that matches nobody, the same "wrong username or password" as any other.
 * Shared by the JSON endpoint's hostile-input table and the login form's, so both paths are held
 * to the same answers. Only unknown names: no case may throttle the demo accounts.
 */
export interface HostileUsername {
  name: string;
  username: string;
  /** The message for the username field; undefined when the answer is "wrong username or password". */
  error?: string;
}

const NOT_ALLOWED = 'Username must not include invisible or control characters';

export const HOSTILE_USERNAMES: readonly HostileUsername[] = [
  { name: 'empty username', username: '', error: 'Enter your username' },
  { name: 'blank username', username: '   ', error: 'Enter your username' },
  { name: 'username of 101 characters', username: 'u'.repeat(101), error: 'Username must be 100 characters or less' },
  { name: 'NUL in the username', username: 'de\u0000mo', error: NOT_ALLOWED },
  { name: 'escape character in the username', username: '\u001b[31mdemo', error: NOT_ALLOWED },
  { name: 'right-to-left override in the username', username: '\u202edemo', error: NOT_ALLOWED },
  { name: 'zero-width space in the username', username: 'de\u200bmo', error: NOT_ALLOWED },
  // At either end a byte order mark is trimmed like a space (JavaScript counts it as white space); inside, it is refused.
  { name: 'byte order mark inside the username', username: 'de\ufeffmo', error: NOT_ALLOWED },
  // A form post turns a lone surrogate into U+FFFD on the way; JSON keeps it as an escape.
  { name: 'lone surrogate in the username', username: '\ud800demo', error: NOT_ALLOWED },
  { name: 'replacement character in the username', username: 'de\ufffdmo', error: NOT_ALLOWED },
  { name: 'emoji username (well-formed, unknown)', username: '😀👻' },
  { name: 'look-alike username in another script (unknown)', username: 'dеmo' },
];
