import { describe, expect, it } from 'vitest';
import { describeRepoMap, renderRepoMap } from './repo-map.js';
import type { RepoMapSymbol } from './repo-map.js';

const invoice: RepoMapSymbol[] = [
  { name: 'DEFAULT_RATE', kind: 'constant', startLine: 1, endLine: 1 },
  { name: 'InvoiceTotals', kind: 'class', startLine: 3, endLine: 30 },
  { name: 'constructor', kind: 'method', startLine: 4, endLine: 6, container: 'InvoiceTotals' },
  { name: 'subtotal', kind: 'method', startLine: 8, endLine: 12, container: 'InvoiceTotals' },
  { name: 'computeTax', kind: 'method', startLine: 14, endLine: 20, container: 'InvoiceTotals' },
  { name: 'formatTotal', kind: 'function', startLine: 32, endLine: 35 },
];
const calc: RepoMapSymbol[] = [
  { name: 'add', kind: 'function', startLine: 1, endLine: 2 },
  { name: 'subtract', kind: 'function', startLine: 4, endLine: 5 },
];
const outlines = new Map<string, RepoMapSymbol[]>([
  ['src/invoice.ts', invoice],
  ['calc.py', calc],
  ['README.md', []],
]);
const files = [
  { path: 'src/invoice.ts', score: 3 },
  { path: 'calc.py', score: 1.5 },
  { path: 'README.md', score: 1 },
];
/** One token per line: budgets count lines. */
const perLine = () => 1;

describe('renderRepoMap', () => {
  it('lists the ranked files in order, each with its definitions and their lines', () => {
    const map = renderRepoMap({
      query: 'the tax is wrong',
      files,
      outlines,
      tokenBudget: 1000,
    });
    expect(map).toBe(
      [
        'Repository map (files the code index ranks for this message; definitions, lines):',
        'src/invoice.ts',
        '  constant DEFAULT_RATE L1',
        '  class InvoiceTotals L3-30',
        '    method constructor L4-6',
        '    method subtotal L8-12',
        '    method computeTax L14-20',
        '  function formatTotal L32-35',
        'calc.py',
        '  function add L1-2',
        '  function subtract L4-5',
        'README.md',
      ].join('\n'),
    );
  });

  it('prefers definitions named in the message, with what encloses them, then top-level ones', () => {
    const map = renderRepoMap({
      query: 'computeTax rounds the tax badly',
      files: files.slice(0, 1),
      outlines,
      tokenBudget: 1000,
      maxSymbolsPerFile: 3,
      countTokens: perLine,
    });
    // computeTax (with its class), then the top-level types and functions; shown in source order.
    expect(map.split('\n').slice(1)).toEqual([
      'src/invoice.ts',
      '  class InvoiceTotals L3-30',
      '    method computeTax L14-20',
      '  function formatTotal L32-35',
    ]);
  });

  it('matches words of names, not only whole names', () => {
    const map = renderRepoMap({
      query: 'the subtotal of an invoice should include discounts',
      files: files.slice(0, 1),
      outlines,
      tokenBudget: 1000,
      maxSymbolsPerFile: 1,
      countTokens: perLine,
    });
    expect(map.split('\n').slice(2)).toEqual([
      '  class InvoiceTotals L3-30',
      '    method subtotal L8-12',
    ]);
  });

  it('stays within the budget with whole lines, showing more files before more definitions', () => {
    for (let budget = 0; budget <= 14; budget += 1) {
      const map = renderRepoMap({
        query: 'add',
        files,
        outlines,
        tokenBudget: budget,
        countTokens: perLine,
      });
      const lines = map === '' ? [] : map.split('\n');
      expect(lines.length).toBeLessThanOrEqual(budget);
      for (const line of lines.slice(1)) {
        expect([...outlines.keys()].includes(line) || /^ +\w+ \w+ L\d+(-\d+)?$/.test(line)).toBe(
          true,
        );
      }
    }
    // Heading, then each file with its best definition (add is named in the message).
    expect(
      renderRepoMap({ query: 'add', files, outlines, tokenBudget: 6, countTokens: perLine }),
    ).toBe(
      [
        'Repository map (files the code index ranks for this message; definitions, lines):',
        'src/invoice.ts',
        '  class InvoiceTotals L3-30',
        'calc.py',
        '  function add L1-2',
        'README.md',
      ].join('\n'),
    );
    // One more line goes to the best file's next definition.
    const seven = renderRepoMap({
      query: 'add',
      files,
      outlines,
      tokenBudget: 7,
      countTokens: perLine,
    });
    expect(seven.split('\n').slice(1, 4)).toEqual([
      'src/invoice.ts',
      '  class InvoiceTotals L3-30',
      '  function formatTotal L32-35',
    ]);
  });

  it('counts tokens with the given counter, line by line', () => {
    const counted: string[] = [];
    const map = renderRepoMap({
      query: 'tax',
      files,
      outlines,
      tokenBudget: 200,
      countTokens: (text) => {
        counted.push(text);
        return text.length;
      },
    });
    expect(map).toContain('computeTax');
    expect(map.length + 1).toBeLessThanOrEqual(200);
    expect(counted.every((text) => text.endsWith('\n') && !text.slice(0, -1).includes('\n'))).toBe(
      true,
    );
  });

  it('says nothing when there is nothing useful or no room', () => {
    const base = { query: 'tax', outlines, tokenBudget: 1000 };
    expect(renderRepoMap({ ...base, files: [] })).toBe('');
    expect(renderRepoMap({ ...base, files: [{ path: 'calc.py', score: 0 }] })).toBe('');
    expect(renderRepoMap({ ...base, files, tokenBudget: 0 })).toBe('');
    // Room for the heading only is no map at all.
    expect(renderRepoMap({ ...base, files, tokenBudget: 1, countTokens: perLine })).toBe('');
  });

  it('leaves out files far below the best one', () => {
    const map = renderRepoMap({
      query: 'tax',
      files: [
        { path: 'src/invoice.ts', score: 3 },
        { path: 'calc.py', score: 0.2 },
      ],
      outlines,
      tokenBudget: 1000,
    });
    expect(map).toContain('src/invoice.ts');
    expect(map).not.toContain('calc.py');
  });
});

describe('describeRepoMap', () => {
  it('asks the index for the ranked files and their outlines', () => {
    const asked: string[] = [];
    const map = describeRepoMap(
      {
        rankFiles: (query, options) => {
          asked.push(`rank ${query} ${options.limit}`);
          return files.slice(1, 2);
        },
        definitionsIn: (path) => {
          asked.push(`outline ${path}`);
          return outlines.get(path) ?? [];
        },
      },
      'fix add',
      500,
    );
    expect(map?.split('\n').slice(1)).toEqual([
      'calc.py',
      '  function add L1-2',
      '  function subtract L4-5',
    ]);
    expect(asked).toEqual(['rank fix add 15', 'outline calc.py']);
  });

  it('does not ask the index when the budget is 0, and is undefined for an empty map', () => {
    const source = {
      rankFiles: () => {
        throw new Error('not asked');
      },
      definitionsIn: () => [],
    };
    expect(describeRepoMap(source, 'fix add', 0)).toBeUndefined();
    expect(
      describeRepoMap({ rankFiles: () => [], definitionsIn: () => [] }, 'fix add', 500),
    ).toBeUndefined();
  });
});
