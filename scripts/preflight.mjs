// Runs first in `npm test`: stops at once, one line per missing piece with the command that installs
// it, rather than a skipped engine or a failure twenty minutes in. The decision is test-support/preflight.ts.
import { chromium, firefox, webkit } from '@playwright/test';
import { inspectMachine, machineProbe } from '../test-support/preflight.ts';

const { missing, advice } = inspectMachine(
  machineProbe({ chromium: chromium.executablePath(), firefox: firefox.executablePath(), webkit: webkit.executablePath() }),
);
for (const line of advice) console.error(`npm test: ${line}`);
if (missing.length > 0) {
  console.error(`npm test cannot run on this machine yet (.ci/run installs all of these):\n${missing.map((line) => `  ${line}`).join('\n')}`);
  process.exit(1);
}
