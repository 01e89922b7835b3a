/**
 * `text` cut to at most `max` UTF-16 units (what a string's length and every limit here count), never between the
 * two halves of a surrogate pair: half a pair is broken text that JSON keeps but URLs, and so Redis keys, refuse.
 */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}
