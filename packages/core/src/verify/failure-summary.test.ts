import { describe, expect, it } from 'vitest';
import { summarizeFailure } from './failure-summary.js';

describe('summarizeFailure', () => {
  it('keeps pytest’s failure lines and its totals, not the passing noise', () => {
    const output = [
      '============================= test session starts ==============================',
      'collected 12 items',
      '',
      'tests/test_parser.py ..........F.                                         [100%]',
      '',
      '=================================== FAILURES ===================================',
      '_______________________________ test_empty_header ______________________________',
      '',
      '    def test_empty_header():',
      '>       assert parse_header("") == {}',
      'E       AssertionError: assert None == {}',
      "E        +  where None = parse_header('')",
      '',
      'tests/test_parser.py:41: AssertionError',
      '=========================== short test summary info ============================',
      'FAILED tests/test_parser.py::test_empty_header - AssertionError: assert None == {}',
      '========================= 1 failed, 11 passed in 0.31s =========================',
    ].join('\n');

    const summary = summarizeFailure(output);

    expect(summary).toContain('E       AssertionError: assert None == {}');
    expect(summary).toContain('FAILED tests/test_parser.py::test_empty_header');
    expect(summary.split('\n').at(-1)).toContain('1 failed, 11 passed');
    expect(summary).not.toContain('collected 12 items');
    expect(summary.length).toBeLessThan(output.length);
  });

  it('removes terminal colours and keeps Vitest’s expected and received lines', () => {
    const output = [
      '\u001b[32m ✓\u001b[39m src/a.test.ts (3 tests)',
      '\u001b[31m × \u001b[39msrc/b.test.ts > adds',
      '   AssertionError: expected 6 to be 5',
      '  Expected: 5',
      '  Received: 6',
      ' Test Files  1 failed | 1 passed (2)',
    ].join('\n');

    const summary = summarizeFailure(output);

    expect(summary).not.toContain('\u001b');
    expect(summary).toContain('× src/b.test.ts > adds');
    expect(summary).toContain('Expected: 5');
    expect(summary).toContain('Received: 6');
    expect(summary).not.toContain('✓ src/a.test.ts');
  });

  it('falls back to the last lines when nothing looks like a failure', () => {
    const lines = Array.from({ length: 40 }, (_, index) => `line ${index}`);
    const summary = summarizeFailure(lines.join('\n'));
    expect(summary.split('\n')).toEqual(lines.slice(-15));
  });

  it('stays within about 1,500 characters for a flood of failures and says how many it left out', () => {
    const output = Array.from(
      { length: 400 },
      (_, index) => `FAILED tests/test_many.py::test_${index} - assert ${index} == ${index + 1}`,
    ).join('\n');

    const summary = summarizeFailure(output);

    expect(summary.length).toBeLessThanOrEqual(1_600);
    expect(summary).toMatch(/more matching lines\)/);
    expect(summary.split('\n').at(-1)).toContain('test_399');
  });

  it('says there was no output', () => {
    expect(summarizeFailure('\n\n')).toBe('(no output)');
  });
});
