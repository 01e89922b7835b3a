import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { chromiumExecutable } from '../test-support/chromium';
import { LONG, PRECISION } from './precision';
import { passes, readAll, type Figure } from './results';

/** The version, and which binary: the headless shell and the full browser of one version print the same. */
function chromiumVersion(): string {
  const path = chromiumExecutable();
  try {
    return `${execFileSync(path, ['--version'], { encoding: 'utf8' }).trim()} (${path})`;
  } catch {
    return 'unknown';
  }
}

const format = (value: number | null) =>
  value === null || !Number.isFinite(value) ? 'n/a' : (Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2));
/** A ratio's lowest and highest per-round value, and of how many rounds (bench/results.ts, `Spread`). */
const spread = ({ spread }: Figure) => (spread ? `${format(spread.low)}..${format(spread.high)} (${spread.perRound.length})` : '');
const verdict = (figure: Figure) => ({ true: 'pass', false: 'FAIL', null: '' })[String(passes(figure)) as 'true' | 'false' | 'null'];

/** Prints the table and writes bench/results.json: figures, targets, verdicts and the machine they were measured on. */
export default function report() {
  const sections = readAll();
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    chromium: chromiumVersion(),
    date: new Date().toISOString(),
  };
  const rows = sections.flatMap(({ section, figures }) =>
    figures.map((figure) => [section, figure.label, `${format(figure.value)} ${figure.unit}`, spread(figure), figure.target ? `${figure.target.op} ${figure.target.value} ${figure.unit}` : '', verdict(figure)]),
  );
  const header = ['area', 'figure', 'value', 'min..max of rounds', 'target', ''];
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  console.log(`\n${line(header)}\n${widths.map((width) => '-'.repeat(width)).join('  ')}\n${rows.map(line).join('\n')}`);
  console.log(`\nmin..max of rounds: a ratio taken within each round, its lowest and highest (how many rounds). ${LONG ? 'The long run (BENCH_LONG=1).' : 'For tighter figures: BENCH_LONG=1.'}`);
  console.log(`${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.chromium}`);
  writeFileSync(
    'bench/results.json',
    `${JSON.stringify({ machine, precision: PRECISION, sections: sections.map(({ section, figures }) => ({ section, figures: figures.map((figure) => ({ ...figure, pass: passes(figure) })) })) }, null, 2)}\n`,
  );
}
