import { describe, expect, it } from 'vitest';
import { nodeVersionProblem, satisfies } from './node-version';

describe('satisfies', () => {
  it.each([
    ['22.13.0', true],
    ['22.13.1', true],
    ['22.14.0', true],
    ['23.0.0', true],
    ['24.21.0', true],
    ['v22.13.0', true],
    ['22.100.0', true],
    ['100.0.0', true],
    ['22.12.9', false],
    ['22.9.0', false],
    ['22.1.30', false],
    ['20.20.2', false],
    ['18.20.8', false],
    ['v8.17.0', false],
  ])('%s against >=22.13: %s', (version, expected) => {
    expect(satisfies(version, '>=22.13')).toBe(expected);
  });

  it('reads the forms of range package.json may hold, and refuses any other', () => {
    expect(satisfies('22.13.0', '>= 22.13.0')).toBe(true);
    expect(satisfies('22.12.0', ' >=22.13 ')).toBe(false);
    expect(satisfies('22.0.0', '>=22')).toBe(true);
    for (const range of ['^22.13', '22.13', '>22.13', '>=22.13 <25', '']) expect(() => satisfies('24.0.0', range)).toThrow(/engines\.node/);
  });
});

describe('nodeVersionProblem', () => {
  it('says in one line which Node is needed, which one this is, and how to run the app', () => {
    const problem = nodeVersionProblem('20.20.2', '>=22.13');
    expect(problem).toMatch(/^This app needs Node\.js >=22\.13, but .+ is 20\.20\.2\. Run it through npm .+node_modules\/\.bin\/node\.$/);
    expect(problem).not.toContain('\n');
  });

  it('has nothing to say about a Node that will do, and reads the range from package.json', () => {
    expect(nodeVersionProblem('22.13.0', '>=22.13')).toBeUndefined();
    expect(nodeVersionProblem('24.21.0')).toBeUndefined();
    expect(nodeVersionProblem('22.12.0')).toContain('>=22.13');
  });
});
