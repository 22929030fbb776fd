import { describe, expect, it } from 'vitest';
import { chunkBySymbols } from './chunk-by-symbols.js';
import { extractSymbols } from './extract-symbols.js';

/** A sympy-like module of about 200 lines: imports, constants, classes with methods, functions. */
function pythonModule(seed: number): string {
  const lines = [
    '"""Polynomial helpers."""',
    'from __future__ import annotations',
    '',
    'from typing import Iterable, Optional',
    'from .basic import Basic, sympify',
    '',
    `DEFAULT_PRECISION_${seed} = 15`,
    '',
  ];
  for (let classIndex = 0; classIndex < 4; classIndex += 1) {
    lines.push('', `class Poly${seed}_${classIndex}(Basic):`, '    """A polynomial."""', '');
    for (let methodIndex = 0; methodIndex < 5; methodIndex += 1) {
      lines.push(
        `    def method_${methodIndex}(self, other: Optional[Basic] = None) -> Basic:`,
        '        result = sympify(other)',
        '        for term in self.terms():',
        '            result = result.add(term.coeff * term.degree)',
        '        if result.is_zero:',
        '            return self.zero()',
        '        return self.normalize(result)',
        '',
      );
    }
  }
  for (let functionIndex = 0; functionIndex < 5; functionIndex += 1) {
    lines.push(
      '',
      `def helper_${functionIndex}(values: Iterable[Basic]) -> list[Basic]:`,
      '    collected = []',
      '    for value in values:',
      '        collected.append(sympify(value).expand())',
      '    return sorted(collected, key=default_sort_key)',
      '',
    );
  }
  return lines.join('\n');
}

describe('extractSymbols over many files', () => {
  it('extracts and chunks 300 files of about 200 lines each', async () => {
    const sources = Array.from({ length: 300 }, (_, index) => pythonModule(index));
    expect(sources[0]?.split('\n').length).toBeGreaterThan(190);
    const results = await Promise.all(
      sources.map(async (source) => {
        const symbols = await extractSymbols('python', source);
        return { symbols, chunks: chunkBySymbols(source, symbols) };
      }),
    );
    for (const [index, { symbols, chunks }] of results.entries()) {
      // One constant, 4 classes of 5 methods and 5 functions.
      expect(symbols.definitions).toHaveLength(1 + 4 * 6 + 5);
      expect(symbols.definitions[0]?.name).toBe(`DEFAULT_PRECISION_${index}`);
      expect(symbols.references.some((reference) => reference.name === 'sympify')).toBe(true);
      expect(chunks.length).toBe(1 + 4 + 5);
    }
  });
});
