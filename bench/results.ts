import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One line of the table: a figure, and the target it is held to (none for a figure shown for comparison). */
export interface Figure {
  id: string;
  label: string;
  value: number;
  unit: string;
  target?: { op: '<=' | '>='; value: number };
  note?: string;
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

/**
 * Runs every side once per round, in an order that alternates between rounds (A B C, C B A, ...), so
 * that a machine that slows down or speeds up during the run weighs on every side alike.
 */
export async function alternate<K extends string, T>(rounds: number, sides: Record<K, () => Promise<T>>): Promise<Record<K, T[]>> {
  const names = Object.keys(sides) as K[];
  const results = Object.fromEntries(names.map((name) => [name, [] as T[]])) as Record<K, T[]>;
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) results[name].push(await sides[name]());
  }
  return results;
}
