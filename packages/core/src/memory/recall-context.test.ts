import { describe, expect, it } from 'vitest';
import { pathsIn, recallContextFor, symbolsIn } from './recall-context.js';

describe('recall context', () => {
  it('finds the paths a message names', () => {
    expect(
      pathsIn(
        'Fix calc.py and src/parser/config.ts (see docs/, e.g. ./README.md). https://x.io/a.html',
      ),
    ).toEqual(['calc.py', 'src/parser/config.ts', 'docs/', 'README.md']);
  });

  it('finds code names, not plain words', () => {
    expect(
      symbolsIn(
        'Why does parse_config call computeTax, and Basic.subs? Check `load` and run() in calc.py',
      ),
    ).toEqual(['parse_config', 'computeTax', 'Basic.subs', 'load', 'run']);
  });

  it('adds the files of the current work after the named ones', () => {
    expect(recallContextFor('update calc.py', ['./test_calc.py', 'calc.py'])).toEqual({
      paths: ['calc.py', 'test_calc.py'],
      symbols: [],
    });
  });
});
