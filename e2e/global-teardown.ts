import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Removes this run's session databases (see `dbPath`); earlier runs' were removed by theirs. */
export default function globalTeardown() {
  const dir = '.data/e2e';
  const run = process.env.E2E_RUN_ID;
  if (!run) return;
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) if (name.startsWith(`${run}-`)) rmSync(join(dir, name), { force: true });
}
