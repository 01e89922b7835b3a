// `npm test` and `npm run bench`: runs the npm scripts named on the command line one after another, stopping at the
// first that fails, under one run mark (test-support/run-mark.ts). Whatever happens (a failure, a crashed worker,
// Ctrl-C), it ends by listing every process of the run still alive, stopping each by its pid, and failing if there
// was one: nothing a run starts outlives it, and a run that leaves something behind is red.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { markedProcesses, RUN_CHECKOUT, RUN_MARK, RUN_OWNER, startTime, stopProcesses } from '../test-support/run-mark.ts';

const steps = process.argv.slice(2);
const mark = randomUUID();
const checkout = process.cwd();
const env = { ...process.env, [RUN_MARK]: mark, [RUN_CHECKOUT]: checkout, [RUN_OWNER]: `${process.pid}:${startTime(process.pid)}` };
// How long a step, and then what it started, get to stop on their own (shorter in this runner's own tests).
const GRACE_MS = Number(process.env.RUN_STEPS_GRACE_MS ?? 10_000);

let interrupted;
let current;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    interrupted ??= signal;
    // Ctrl-C reaches the whole foreground group, the step included; a signal sent to this process alone is passed on.
    // Either way the step gets a moment to stop on its own before it is made to.
    const step = current;
    setTimeout(() => step?.exitCode === null && step.kill('SIGTERM'), GRACE_MS).unref();
    setTimeout(() => step?.exitCode === null && step.kill('SIGKILL'), 2 * GRACE_MS).unref();
  });
}

const run = (step) =>
  new Promise((resolve) => {
    current = spawn('npm', ['run', step], { stdio: 'inherit', env });
    current.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    current.once('error', () => resolve(1));
  });

let code = 0;
for (const step of steps) {
  if (interrupted) break;
  code = await run(step);
  if (code !== 0) {
    console.error(`\n${steps.join(', ')}: stopped at ${step} (exit code ${code}).`);
    break;
  }
}
if (interrupted) code = 130;

// Browsers and servers take a moment to go once their suite has asked them to.
const until = Date.now() + GRACE_MS;
let left = markedProcesses(mark, checkout);
while (left.length > 0 && Date.now() < until) {
  await new Promise((resolve) => setTimeout(resolve, 200));
  left = markedProcesses(mark, checkout);
}
if (left.length > 0) {
  console.error(`\nStill running after the run, now stopped by pid (a test or harness does not stop what it starts):`);
  for (const { pid, command } of left) console.error(`  ${pid} ${command}`);
  await stopProcesses(left);
  code ||= 1;
}
process.exit(code);
