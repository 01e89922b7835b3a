// @ts-check
const { nodeVersionProblem } = require('./scripts/node-version');

// Every next command (dev, build, start) loads this file first, before it serves anything. On an older
// Node the server would start and then answer every sign-in with a 500 (node:sqlite is missing).
const problem = nodeVersionProblem();
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}

/** Sent with every response, pages and API alike; the per-request CSP comes from proxy.ts. */
const SECURITY_HEADERS = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
];

/**
 * HTTPS only, for two years, subdomains included (what hstspreload.org recommends). Production builds
 * only: `npm run dev` serves plain HTTP on localhost, where the header means nothing and would only linger.
 */
const HSTS = { key: 'Strict-Transport-Security', value: 'max-age=63072000; includeSubDomains' };

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // The JS-size bench builds once more with browser source maps into its own folder (bench/js-size.bench.ts).
  productionBrowserSourceMaps: process.env.BENCH_SOURCE_MAPS === '1',
  distDir: process.env.NEXT_DIST_DIR || '.next',
  poweredByHeader: false,
  // The end stream is an API route (pages/api/session/events.ts), whose dependencies Next would otherwise leave to
  // Node's require, which finds the 'server-only' marker that throws: bundled, it gets the server's empty one.
  transpilePackages: ['server-only'],
  experimental: {
    // Only the forms' server actions post to pages, with bodies of a few hundred bytes. Next holds up to
    // proxyClientMaxBodySize of each such body for proxy.ts (10 MB by default: twenty huge posts at once
    // held 240 MB) while it reads the body to its end; the action itself stops at bodySizeLimit.
    proxyClientMaxBodySize: '32kb',
    serverActions: { bodySizeLimit: '16kb' },
  },
  async headers() {
    const production = process.env.NODE_ENV === 'production';
    return [{ source: '/:path*', headers: production ? [...SECURITY_HEADERS, HSTS] : SECURITY_HEADERS }];
  },
};

module.exports = nextConfig;
