import nextCoreWebVitals from 'eslint-config-next/core-web-vitals';
import nextTypeScript from 'eslint-config-next/typescript';

const config = [
  ...nextCoreWebVitals,
  ...nextTypeScript,
  // CommonJS that Next loads with require() before anything is compiled.
  { files: ['next.config.js', 'lib/node-version.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  { ignores: ['.next/**', '.next-source-maps/**', 'bench/.results/**', 'bench/peers/**', '.data/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.stryker-tmp/**', 'reports/**', 'next-env.d.ts'] },
];

export default config;
