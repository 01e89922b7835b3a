import { describe, expect, it } from 'vitest';
import { safeReturnTo } from './return-to';

describe('safeReturnTo', () => {
  it.each(['/dashboard', '/dashboard?tab=notes', '/dashboard#notes', '/a/b%20c', '/notes/login'])('keeps the same-origin path %j', (path) => {
    expect(safeReturnTo(path)).toBe(path);
  });

  it('keeps a path of 2,048 characters and refuses a longer one', () => {
    const longest = `/${'a'.repeat(2047)}`;
    expect(safeReturnTo(longest)).toBe(longest);
    expect(safeReturnTo(`${longest}a`)).toBe('/dashboard');
  });

  it.each([
    undefined,
    '',
    'dashboard',
    'settings',
    '//evil.example',
    '//evil.example/dashboard',
    '/\\evil.example',
    '\\\\evil.example',
    'https://evil.example',
    'javascript:alert(1)',
    '/%2F%2Fevil.example',
    '/%5Cevil.example',
    '/%2f%2fevil.example',
    '%2F%2Fevil.example',
    '///evil.example',
    '/\\/evil.example',
    'HTTPS://evil.example',
    'https:evil.example',
    '//evil.example%2F@localhost',
    ' //evil.example',
    '/\nevil.example',
    '/\tevil',
    '/login?returnTo=/dashboard',
    '/login/callback',
    '/%E0%A4%A',
    '/api/session',
    ['/dashboard'],
  ])('refuses %j', (value) => {
    expect(safeReturnTo(value)).toBe('/dashboard');
  });
});
