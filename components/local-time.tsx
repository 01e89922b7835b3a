'use client';

import { useState, useSyncExternalStore } from 'react';
import { ENGLISH_CLOCK, formatClockTime, formatMoment } from '@/lib/shared/clock-time';

const subscribeNever = () => () => {};

/**
 * A moment `inMs` from now, in the reader's own time zone. The server only knows durations that
 * are true for everyone; the clock time is the browser's to show. `withDate`: for a moment that may be on
 * another day (an event weeks old), the date too when it is not today's.
 */
export function LocalTime({ inMs, withDate = false }: { inMs: number; withDate?: boolean }) {
  const [at] = useState(() => Date.now() + inMs);
  const text = useSyncExternalStore(subscribeNever, () => (withDate ? formatMoment(at, Date.now()) : formatClockTime(at, ENGLISH_CLOCK)), () => null);
  return <time dateTime={text ? new Date(at).toISOString() : undefined}>{text ?? '…'}</time>;
}
