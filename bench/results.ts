import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How far a ratio moved between rounds: the ratio taken within each round (its sides ran back to back, so a
 * machine that slowed down weighs on both), then the lowest and the highest of those. Min and max rather than
 * quartiles: a run has 3 to 15 rounds, too few for quartiles to mean more than the extremes do.
 */
export interface Spread {
  low: number;
  high: number;
  /** Each round's ratio, in the order the rounds ran. */
  perRound: number[];
}

/** One line of the table: a figure, and the target it is held to (none for a figure shown for comparison). */
export interface Figure {
  id: string;
  label: string;
  value: number;
  unit: string;
  target?: { op: '<=' | '>='; value: number };
  note?: string;
  /** For a ratio measured in rounds. */
  spread?: Spread;
}

export const RESULTS_DIR = 'bench/.results';

export function passes(figure: Figure): boolean | null {
  if (!figure.target) return null;
  return figure.target.op === '<=' ? figure.value <= figure.target.value : figure.value >= figure.target.value;
}

/** Each bench writes its figures to a file of its own; the report gathers them at the end. */
export function record(section: string, figures: Figure[]): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${section}.json`), JSON.stringify({ section, figures }, null, 2));
}

export function readAll(): Array<{ section: string; figures: Figure[] }> {
  let files: string[] = [];
  try {
    files = readdirSync(RESULTS_DIR).filter((file) => file.endsWith('.json')).sort();
  } catch {
    return [];
  }
  return files.map((file) => JSON.parse(readFileSync(join(RESULTS_DIR, file), 'utf8')) as { section: string; figures: Figure[] });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function spreadOf(perRound: number[]): Spread {
  return { low: Math.min(...perRound), high: Math.max(...perRound), perRound };
}

/** `top[i] / bottom[i]` for each round `i`, as a spread; rounds missing on either side are left out. */
export function roundRatios(top: number[], bottom: number[]): Spread {
  return spreadOf(
    top.flatMap((value, round) => {
      const under = bottom[round];
      return under === undefined ? [] : [value / under];
    }),
  );
}

/**
 * Runs every side once per round, in an order that alternates between rounds (A B C, C B A, ...), so
 * that a machine that slows down or speeds up during the run weighs on every side alike. `afterRound` takes a
 * reading once every side of a round has run (a memory size, whose ratio then has rounds too).
 */
export async function alternate<K extends string, T>(rounds: number, sides: Record<K, () => Promise<T>>, afterRound?: () => void): Promise<Record<K, T[]>> {
  const names = Object.keys(sides) as K[];
  const results = Object.fromEntries(names.map((name) => [name, [] as T[]])) as Record<K, T[]>;
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) results[name].push(await sides[name]());
    afterRound?.();
  }
  return results;
}
