import { describe, expect, it } from 'vitest';
import { assertSameOrigin } from './same-origin';

const request = (headers: Record<string, string>) => new Request('http://localhost:3000/api/session', { method: 'POST', headers: { host: 'localhost:3000', ...headers } });

describe('assertSameOrigin', () => {
  it.each([
    [{}],
    [{ 'sec-fetch-site': 'same-origin' }],
    [{ 'sec-fetch-site': 'none' }],
    [{ origin: 'http://localhost:3000' }],
    [{ origin: 'http://localhost:3000', 'sec-fetch-site': 'same-origin' }],
  ])('lets %j through', (headers) => {
    expect(() => assertSameOrigin(request(headers))).not.toThrow();
  });

  it.each([
    [{ 'sec-fetch-site': 'cross-site' }],
    [{ 'sec-fetch-site': 'same-site' }],
    [{ origin: 'https://evil.example' }],
    [{ origin: 'null' }],
    [{ origin: 'http://localhost:3001' }],
    [{ origin: 'http://localhost:3000.evil.example' }],
    [{ origin: 'not a url' }],
    [{ origin: 'http://localhost:3000', 'sec-fetch-site': 'cross-site' }],
  ])('refuses %j with 403', (headers) => {
    expect(() => assertSameOrigin(request(headers))).toThrow(expect.objectContaining({ status: 403 }));
  });
});
