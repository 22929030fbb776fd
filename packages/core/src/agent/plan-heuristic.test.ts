import { describe, expect, it } from 'vitest';
import { planSignal } from './plan-heuristic.js';

describe('planSignal', () => {
  it.each([
    'fix the failing test in calc.py',
    'fix the failing test in tests/test_parser.py',
    'test_calc.py fails. Fix the bug in calc.py.',
    'add a --verbose flag',
    'Why does parse() return None for an empty string?',
    'rename getUser to fetchUser in src/api.ts and src/api.test.ts',
    'If the cache is empty then load it, e.g. from disk.',
    'Bump the version to 1.2.3 and update CHANGELOG.md',
  ])('makes no plan for a single-step message: %s', (message) => {
    expect(planSignal(message).plan).toBe(false);
  });

  it('plans a list of three or more items', () => {
    const message = 'Clean up the parser:\n- remove the dead code\n- add type hints\n- add a test';
    expect(planSignal(message)).toEqual({ plan: true, reason: 'a list of 3 items' });
    expect(planSignal('1. read the docs\n2) fix the link\n3. rebuild').plan).toBe(true);
    expect(planSignal('Do this:\n- one thing\n- another').plan).toBe(false);
  });

  it('plans a message that names three or more files', () => {
    const message =
      'Add a --verbose flag to cli.py, document it in README.md and test it in tests/test_cli.py';
    expect(planSignal(message)).toEqual({ plan: true, reason: '3 files named' });
  });

  it('plans steps in sequence across sentences, not one "then"', () => {
    expect(
      planSignal('Add a cache to fetch_user. Then use it in the handler, and finally add a test.'),
    ).toEqual({ plan: true, reason: '2 steps in sequence' });
    expect(planSignal('read calc.py then fix add').plan).toBe(false);
  });

  it('plans a long message', () => {
    const message = `Improve the importer. ${'It should handle more formats well. '.repeat(25)}`;
    expect(planSignal(message).plan).toBe(true);
    expect(planSignal(message).reason).toMatch(/^\d+ words$/);
  });
});
