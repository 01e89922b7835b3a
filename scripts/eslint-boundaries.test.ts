import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The wings' lint rules (eslint.config.mjs), fed imports that cross them: each must be refused, and the
// imports the app really makes must pass.
const eslint = new ESLint({ cwd: process.cwd() });

async function rulesFired(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

const useIt = (name: string) => `\nexport const used = ${name};\n`;

describe('the lint boundaries between the wings', () => {
  it('the browser wing cannot import the server wing', async () => {
    expect(await rulesFired('lib/client/bad.ts', `import { config } from '../server/config';${useIt('config')}`)).toContain('import/no-restricted-paths');
    expect(await rulesFired('lib/client/bad.ts', `import { config } from '@/lib/server/config';${useIt('config')}`)).toContain('import/no-restricted-paths');
  }, 30_000);

  it('the shared rules import neither wing', async () => {
    expect(await rulesFired('lib/shared/bad.ts', `import { sessionStore } from '../server/stores';${useIt('sessionStore')}`)).toContain('import/no-restricted-paths');
    expect(await rulesFired('lib/shared/bad.ts', `import { TimeoutController } from '../client/timeout-controller';${useIt('TimeoutController')}`)).toContain(
      'import/no-restricted-paths',
    );
  }, 30_000);

  it("a 'use client' component cannot import the server wing, except its server actions", async () => {
    expect(await rulesFired('components/bad.tsx', `'use client';\nimport { getSession } from '@/lib/server/session/session';${useIt('getSession')}`)).toContain(
      'wings/client-stays-client',
    );
    expect(await rulesFired('components/bad.tsx', `'use client';\nimport { getSession } from '../lib/server/session/session';${useIt('getSession')}`)).toContain(
      'wings/client-stays-client',
    );
    expect(await rulesFired('components/fine.tsx', `'use client';\nimport { signInAction } from '@/lib/server/actions';${useIt('signInAction')}`)).toEqual([]);
    // A server component may, and a client one may import the shared rules and the browser wing.
    expect(await rulesFired('components/fine.tsx', `import { getSession } from '@/lib/server/session/session';${useIt('getSession')}`)).toEqual([]);
    expect(await rulesFired('lib/client/fine.ts', `import { formatDuration } from '../shared/duration';${useIt('formatDuration')}`)).toEqual([]);
  }, 30_000);
});

describe('the server wing', () => {
  it("every module imports 'server-only' or says in its first line why it does not", async () => {
    const { execFileSync } = await import('node:child_process');
    const { readFileSync } = await import('node:fs');
    const files = execFileSync('git', ['ls-files', 'lib/server'], { encoding: 'utf8' })
      .split('\n')
      .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file));
    expect(files.length).toBeGreaterThan(30);
    const silent = files.filter((file) => {
      const opening = readFileSync(file, 'utf8').split('\n').slice(0, 3).join('\n');
      return !opening.includes("import 'server-only';") && !opening.startsWith("// No 'server-only' marker: ");
    });
    expect(silent).toEqual([]);
  });
});
