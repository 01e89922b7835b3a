import { dirname, relative, resolve } from 'node:path';
import nextCoreWebVitals from 'eslint-config-next/core-web-vitals';
import nextTypeScript from 'eslint-config-next/typescript';

const ROOT = import.meta.dirname;

/** Where an import points, relative to the project, or `undefined` for a package. */
function target(source, filename) {
  if (source.startsWith('@/')) return source.slice(2);
  if (source.startsWith('.')) return relative(ROOT, resolve(dirname(filename), source));
  return undefined;
}

/**
 * A `'use client'` module is bundled for the browser, wherever it lives: it cannot import the server wing.
 * (The folders' zones below cover lib/; components mix server and client files, told apart by the directive.)
 * The one door is the server actions' module: it is `'use server'`, so the browser gets only references to call.
 */
const SERVER_ACTIONS = 'lib/server/actions';
const clientStaysClient = {
  meta: { type: 'problem', messages: { server: "A 'use client' module cannot import the server wing ({{source}})." }, schema: [] },
  create(context) {
    let client = false;
    return {
      Program(program) {
        client = program.body.some((node) => node.type === 'ExpressionStatement' && node.directive === 'use client');
      },
      ImportDeclaration(node) {
        if (!client || node.importKind === 'type') return;
        const path = target(node.source.value, context.filename);
        if (path !== SERVER_ACTIONS && path?.startsWith('lib/server/')) context.report({ node, messageId: 'server', data: { source: node.source.value } });
      },
    };
  },
};

const config = [
  ...nextCoreWebVitals,
  ...nextTypeScript,
  // CommonJS that Next loads with require() before anything is compiled.
  { files: ['next.config.js', 'scripts/node-version.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  // The wings: the browser's code and the shared rules never import the server's; the shared rules import neither wing.
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    plugins: { wings: { rules: { 'client-stays-client': clientStaysClient } } },
    rules: {
      'import/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: './lib/client', from: './lib/server', message: 'The browser wing cannot import the server wing.' },
            { target: './lib/shared', from: './lib/server', message: 'lib/shared is imported by both wings, so it imports neither.' },
            { target: './lib/shared', from: './lib/client', message: 'lib/shared is imported by both wings, so it imports neither.' },
          ],
        },
      ],
      'wings/client-stays-client': 'error',
    },
  },
  {
    ignores: ['.next/**', '.next-source-maps/**', 'bench/.results/**', 'bench/peers/**', '.data/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.stryker-tmp/**', 'reports/**', 'next-env.d.ts'],
  },
];

export default config;
