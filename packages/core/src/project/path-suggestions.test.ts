import { describe, expect, it } from 'vitest';
import { suggestSimilarPaths } from './path-suggestions.js';

const files = [
  'README.md',
  'src/config.py',
  'src/configure.py',
  'src/main.py',
  'src/utils/helpers.py',
  'tests/test_config.py',
  'web/config.ts',
];

describe('suggestSimilarPaths', () => {
  it('prefers the same path under another directory, then the same name', () => {
    expect(suggestSimilarPaths(files, 'utils/helpers.py')).toEqual(['src/utils/helpers.py']);
    expect(suggestSimilarPaths(files, 'lib/config.py').slice(0, 2)).toEqual([
      'src/config.py',
      'web/config.ts',
    ]);
  });

  it('finds names with a typo and paths given with the project directory in front', () => {
    expect(suggestSimilarPaths(files, 'src/mian.py')).toEqual(['src/main.py']);
    expect(suggestSimilarPaths(files, 'myproject/src/main.py')).toEqual(['src/main.py']);
  });

  it('returns nothing when no file is alike', () => {
    expect(suggestSimilarPaths(files, 'docs/architecture.md')).toEqual([]);
  });
});
