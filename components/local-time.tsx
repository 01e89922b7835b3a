'use client';

import { useState, useSyncExternalStore } from 'react';
import { formatClockTime } from '@/lib/shared/clock-time';

const subscribeNever = () => () => {};

/**
 * A moment `inMs` from now, in the reader's own time zone. The server only knows durations that
 * are true for everyone; the clock time is the browser's to show.
 */
export function LocalTime({ inMs }: { inMs: number }) {
  const [at] = useState(() => Date.now() + inMs);
  const text = useSyncExternalStore(subscribeNever, () => formatClockTime(at), () => null);
  return <time dateTime={text ? new Date(at).toISOString() : undefined}>{text ?? '…'}</time>;
}
