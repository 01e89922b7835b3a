import 'server-only';
import { HEARTBEAT_MS } from './heartbeat';

/** An open stream, told when its heartbeat is due. */
export interface Beating {
  beat(): void;
}

/**
 * Every stream's heartbeat on one timer, in turns: the timer ticks `SLOTS` times a heartbeat and each tick beats the
 * streams of one slot, so each stream still beats every `HEARTBEAT_MS` (its first up to a tick sooner). A thousand
 * streams cost one timer rather than a thousand, and their beats' session reads are spread over the heartbeat.
 */
const SLOTS = 15;
const TICK_MS = HEARTBEAT_MS / SLOTS;

const slots: ReadonlyArray<Set<Beating>> = Array.from({ length: SLOTS }, () => new Set<Beating>());
let turn = 0;
let beating = 0;
let timer: ReturnType<typeof setInterval> | undefined;

function tick(): void {
  turn = (turn + 1) % SLOTS;
  for (const stream of slots[turn] ?? []) stream.beat();
}

export function startBeating(stream: Beating): void {
  // The slot whose turn has just come: its next is a whole heartbeat away, less the part of a tick gone since.
  slots[turn]?.add(stream);
  beating += 1;
  timer ??= setInterval(tick, TICK_MS);
}

export function stopBeating(stream: Beating): void {
  if (!slots.some((slot) => slot.delete(stream))) return;
  beating -= 1;
  // No stream, no timer: an idle server wakes for nothing.
  if (beating === 0 && timer !== undefined) {
    clearInterval(timer);
    timer = undefined;
  }
}
