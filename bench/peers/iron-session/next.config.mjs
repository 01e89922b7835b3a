import { fileURLToPath } from 'node:url';

// The peers share one node_modules in bench/peers, so that folder is the root modules resolve from.
const root = fileURLToPath(new URL('..', import.meta.url));

/** @type {import('next').NextConfig} */
export default { turbopack: { root }, outputFileTracingRoot: root, poweredByHeader: false };
