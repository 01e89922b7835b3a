const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/;

/**
 * Parses a human duration such as `30m`, `90s`, `12h` or `1800` (plain seconds, as in
 * Flask's PERMANENT_SESSION_LIFETIME) into milliseconds. Returns `undefined` for anything else,
 * including zero and negative values, so callers can name the variable that is wrong.
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  const [, amount, unit = 's'] = match;
  const ms = Math.round(Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS]);
  return Number.isSafeInteger(ms) && ms > 0 ? ms : undefined;
}

/** `1 minute`, `5 minutes`. */
export const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;

/** `1800000` -> `30 minutes`, for people reading the login page and the dashboard. */
export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, size] of [['hour', 3600], ['minute', 60], ['second', 1]] as const) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(plural(count, unit));
  }
  return parts.length > 0 ? parts.join(' ') : '0 seconds';
}

/**
 * How long to wait, rounded up (to whole minutes from a minute on), so that nobody comes back too
 * early: `14 min 1 s` -> `15 minutes`, `59.2 s` -> `1 minute`, `30 s` -> `30 seconds`.
 */
export function waitPhrase(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return seconds < 60 ? plural(seconds, 'second') : formatDuration(Math.ceil(seconds / 60) * 60_000);
}

/** `65_000` -> `1:05`: the dialog's visible countdown, rounded up so it reads 0:00 only at the end. */
export function formatCountdown(ms: number): string {
  const totalSeconds = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${minutes}:${String(seconds).padStart(2, '0')}`;
}
