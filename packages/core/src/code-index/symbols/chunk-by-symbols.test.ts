import { describe, expect, it } from 'vitest';
import { chunkBySymbols, type CodeChunk } from './chunk-by-symbols.js';
import { extractSymbols } from './extract-symbols.js';

/** Asserts the chunks cover lines 1..lineCount exactly once, in order, with their text. */
function expectExactCover(source: string, chunks: readonly CodeChunk[]): void {
  const lines = source.replace(/\n$/, '').split('\n');
  let next = 1;
  for (const chunk of chunks) {
    expect(chunk.startLine).toBe(next);
    expect(chunk.endLine).toBeGreaterThanOrEqual(chunk.startLine);
    expect(chunk.endLine - chunk.startLine + 1).toBeLessThanOrEqual(150);
    expect(chunk.text).toBe(lines.slice(chunk.startLine - 1, chunk.endLine).join('\n'));
    next = chunk.endLine + 1;
  }
  expect(next - 1).toBe(lines.length);
}

function span(chunk: CodeChunk): [number, number, string[]] {
  return [chunk.startLine, chunk.endLine, chunk.symbols];
}

const pythonSource = `import os
from typing import Optional

MAX_RETRIES = 3
_cache = {}


class Repository:
    def __init__(self, root):
        self.root = root

    def find(self, record_id):
        return load_record(os.path.join(self.root, record_id))


# Reads one record from disk.
def load_record(path):
    def parse(text):
        return text
    with open(path) as handle:
        return parse(handle.read())
`;

function pythonMethod(name: string, bodyLines: number): string {
  const body = Array.from({ length: bodyLines }, (_, index) => `        total += ${index}`);
  return [`    def ${name}(self):`, '        total = 0', ...body, '        return total', ''].join(
    '\n',
  );
}

describe('chunkBySymbols', () => {
  it('makes one chunk per top-level definition and module chunks between them', async () => {
    const symbols = await extractSymbols('python', pythonSource);
    const chunks = chunkBySymbols(pythonSource, symbols);
    expectExactCover(pythonSource, chunks);
    expect(chunks.map(span)).toEqual([
      [1, 7, ['MAX_RETRIES']],
      [8, 15, ['Repository', '__init__', 'find']],
      [16, 21, ['load_record', 'parse']],
    ]);
  });

  it('splits a class longer than 80 lines into its methods', async () => {
    const source = [
      'class Engine:',
      '    """Runs things."""',
      '',
      pythonMethod('start', 30),
      pythonMethod('stop', 30),
      pythonMethod('restart', 30),
      'def after():',
      '    return 1',
      '',
    ].join('\n');
    const symbols = await extractSymbols('python', source);
    const chunks = chunkBySymbols(source, symbols);
    expectExactCover(source, chunks);
    expect(chunks.map((chunk) => chunk.symbols)).toEqual([
      ['Engine'],
      ['start'],
      ['stop'],
      ['restart'],
      ['after'],
    ]);
    expect(chunks[0]?.text).toBe('class Engine:\n    """Runs things."""\n');
  });

  it('keeps a class of 80 lines or fewer whole', async () => {
    const source = ['class Small:', pythonMethod('one', 10), pythonMethod('two', 10)].join('\n');
    const symbols = await extractSymbols('python', source);
    const chunks = chunkBySymbols(source, symbols);
    expectExactCover(source, chunks);
    expect(chunks.map(span)).toEqual([[1, 28, ['Small', 'one', 'two']]]);
  });

  it('splits a function longer than 150 lines, naming it on every part', async () => {
    const body = Array.from({ length: 400 }, (_, index) => `  total += ${index};`);
    const source = [
      'export function huge(): number {',
      '  let total = 0;',
      ...body,
      '  return total;',
      '}',
      '',
    ].join('\n');
    const symbols = await extractSymbols('typescript', source);
    const chunks = chunkBySymbols(source, symbols);
    expectExactCover(source, chunks);
    expect(chunks.length).toBe(3);
    for (const chunk of chunks) expect(chunk.symbols).toEqual(['huge']);
  });

  it('attaches leading comments and attributes to the definition and keeps closing lines', async () => {
    const source = [
      'use std::fmt;',
      '',
      '/// A point.',
      '#[derive(Debug)]',
      'pub struct Point {',
      '    x: i32,',
      '}',
      '',
      '// Makes a point.',
      'pub fn origin() -> Point {',
      '    Point { x: 0 }',
      '}',
    ].join('\n');
    const symbols = await extractSymbols('rust', source);
    const chunks = chunkBySymbols(source, symbols);
    expectExactCover(source, chunks);
    expect(chunks.map(span)).toEqual([
      [1, 2, []],
      [3, 8, ['Point']],
      [9, 12, ['origin']],
    ]);
  });

  it('splits a long Ruby module into classes and methods without gaps or overlaps', async () => {
    const methods = Array.from({ length: 12 }, (_, index) =>
      [
        `    def step${index}(x)`,
        ...Array.from({ length: 8 }, () => '      x += 1'),
        '      x',
        '    end',
        '',
      ].join('\n'),
    );
    const source = ['module Pipeline', '  class Runner', ...methods, '  end', 'end', ''].join('\n');
    const symbols = await extractSymbols('ruby', source);
    const chunks = chunkBySymbols(source, symbols);
    expectExactCover(source, chunks);
    expect(chunks[0]).toMatchObject({ startLine: 1, endLine: 2, symbols: ['Pipeline', 'Runner'] });
    expect(chunks.slice(1).map((chunk) => chunk.symbols)).toEqual(
      Array.from({ length: 12 }, (_, index) => [`step${index}`]),
    );
    expect(chunks[chunks.length - 1]?.text.endsWith('  end\nend')).toBe(true);
  });

  it('chunks a file without definitions, and an empty file', () => {
    const source = 'a = 1\nb = 2\n\nprint(a + b)\n';
    expect(chunkBySymbols(source, { definitions: [], references: [] }).map(span)).toEqual([
      [1, 4, []],
    ]);
    expect(chunkBySymbols('', { definitions: [], references: [] })).toEqual([]);
  });

  it('covers every line of a long mixed file exactly once', async () => {
    const parts: string[] = [];
    for (let index = 0; index < 40; index += 1) {
      parts.push(`// helper ${index}`);
      parts.push(`export function helper${index}(value: number): number {`);
      for (let line = 0; line < (index * 7) % 23; line += 1) parts.push(`  value += ${line};`);
      parts.push('  return value;', '}', '', `const LIMIT_${index} = ${index};`, '');
    }
    const source = parts.join('\n');
    const symbols = await extractSymbols('typescript', source);
    const chunks = chunkBySymbols(source, symbols);
    expectExactCover(source, chunks);
    expect(chunks.flatMap((chunk) => chunk.symbols)).toContain('helper39');
  });
});
