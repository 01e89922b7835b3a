import { expect, test } from '@playwright/test';
import { NextRequest } from 'next/server';
import { sessionCookie } from './fixtures';
import { urlOf } from '../test-support/servers';

const BASE = urlOf('main');
const MUTATIONS = 1_000;
const PRINTABLE = Array.from({ length: 0x7e - 0x20 + 1 }, (_, i) => String.fromCharCode(0x20 + i)).join('');

/** A seeded generator (mulberry32), so a failure can be replayed from the seed in its message. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(seal: string, rand: () => number): string {
  const at = Math.floor(rand() * seal.length);
  const char = () => PRINTABLE[Math.floor(rand() * PRINTABLE.length)] ?? 'x';
  const parts = seal.split('*');
  switch (Math.floor(rand() * 12)) {
    case 0:
      return seal.slice(0, at) + char() + seal.slice(at + 1);
    case 1:
      return seal.slice(0, at) + seal.slice(at + 1 + Math.floor(rand() * 20));
    case 2:
      return seal.slice(0, at) + char() + char() + char() + seal.slice(at);
    case 3:
      return seal.slice(0, at);
    case 4:
      return seal + seal.slice(0, at);
    case 5:
      return encodeURIComponent(seal).replace(/[A-Za-z]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
    case 6:
      return Buffer.from(seal).toString(rand() < 0.5 ? 'base64' : 'hex');
    case 7: {
      const i = Math.floor(rand() * parts.length);
      const j = Math.floor(rand() * parts.length);
      [parts[i], parts[j]] = [parts[j] ?? '', parts[i] ?? ''];
      return parts.join('*');
    }
    case 8:
      return seal.slice(0, at) + seal.slice(at).toUpperCase();
    case 9:
      return seal.replaceAll('*', rand() < 0.5 ? '' : '**');
    case 10:
      return `${seal}; __Host-session=${seal.slice(0, at)}`;
    default:
      return Array.from({ length: 1 + Math.floor(rand() * 3000) }, char).join('');
  }
}

/** The session cookie as the server reads it (Next's own parser: the last of duplicates, percent-decoded). */
const asRead = (value: string) => new NextRequest(BASE, { headers: { cookie: `__Host-session=${value}` } }).cookies.get('__Host-session')?.value;

test(`${MUTATIONS} random mutations of a valid cookie are all refused with 401 at status and keep-alive, unless the server reads the same bytes`, async () => {
  test.setTimeout(120_000);
  const seal = (await sessionCookie(BASE)).split('=').slice(1).join('=');
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
  const rand = random(seed);
  const codes = new Map<number, number>();
  const failures: string[] = [];
  const cookies = Array.from({ length: MUTATIONS }, () => mutate(seal, rand));

  // Ten at a time; each mutation goes to both endpoints.
  for (let start = 0; start < cookies.length; start += 10) {
    await Promise.all(
      cookies.slice(start, start + 10).flatMap((value) =>
        (['GET /api/session', 'POST /api/session/keep-alive'] as const).map(async (call) => {
          const [method, path] = call.split(' ') as [string, string];
          const response = await fetch(`${BASE}${path}`, { method, headers: { cookie: `__Host-session=${value}` } });
          await response.arrayBuffer();
          codes.set(response.status, (codes.get(response.status) ?? 0) + 1);
          // A copy the cookie parser turns back into the seal (percent-encoded, or the last of two) is the same credential.
          const expected = asRead(value) === seal ? 200 : 401;
          if (response.status !== expected) failures.push(`${call} ${response.status} (expected ${expected}) with ${JSON.stringify(value.slice(0, 400))}`);
        }),
      ),
    );
  }
  const summary = [...codes].sort(([a], [b]) => a - b).map(([code, count]) => `${code}: ${count}`).join(', ');
  console.log(`cookie fuzz (seed ${seed}): ${MUTATIONS} mutations, ${MUTATIONS * 2} requests; ${summary}; unexpected: ${failures.length}`);
  expect(failures, `seed ${seed}`).toEqual([]);
});
