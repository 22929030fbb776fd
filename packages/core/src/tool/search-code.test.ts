import { describe, expect, it } from 'vitest';
import { createTemporaryProject } from './__fixtures__/temporary-project.js';
import { searchCodeTool } from './search-code.js';
import type { CodeSearch, ToolResult } from './tool.js';

function expectOutput(result: ToolResult): string {
  if (!result.ok)
    throw new Error(`expected success, got ${result.error.kind}: ${result.error.message}`);
  return result.output;
}

function expectError(result: ToolResult) {
  if (result.ok) throw new Error(`expected an error, got: ${result.output}`);
  return result.error;
}

const files = {
  '.gitignore': 'vendor/\n',
  'src/config.py': 'def load_config(path):\n    return Config.read(path)\n',
  'src/main.py': 'from config import load_config\n\nconfig = load_config("a.toml")\n',
  'vendor/lib.py': 'def load_config(): pass\n',
  'README.md': 'Call load_config(path) or LOAD_CONFIG(path).\n',
};

describe('search_code', () => {
  it('finds plain text in listed files, ignoring case and ignored files', async () => {
    const project = await createTemporaryProject(files, { git: true });
    const output = expectOutput(
      await searchCodeTool.execute({ pattern: 'load_config(' }, project.context()),
    );
    expect(output.split('\n')).toEqual([
      '3 matching lines in 3 files:',
      'README.md:1: Call load_config(path) or LOAD_CONFIG(path).',
      'src/config.py:1: def load_config(path):',
      'src/main.py:3: config = load_config("a.toml")',
    ]);
  });

  it('matches case exactly when the pattern has an uppercase letter, or when asked', async () => {
    const project = await createTemporaryProject(files);
    const upper = expectOutput(
      await searchCodeTool.execute({ pattern: 'LOAD_CONFIG' }, project.context()),
    );
    expect(upper).toBe(
      '1 matching line in 1 file:\nREADME.md:1: Call load_config(path) or LOAD_CONFIG(path).',
    );
    const sensitive = expectOutput(
      await searchCodeTool.execute(
        { pattern: 'config.read', case_sensitive: true },
        project.context(),
      ),
    );
    expect(sensitive).toContain('No matches for "config.read"');
    expect(sensitive).toContain('case-sensitive');
  });

  it('searches with a regular expression within a path', async () => {
    const project = await createTemporaryProject(files);
    const output = expectOutput(
      await searchCodeTool.execute(
        { pattern: '^def \\w+\\(', regex: true, path: 'src' },
        project.context(),
      ),
    );
    expect(output).toBe('1 matching line in 1 file:\nsrc/config.py:1: def load_config(path):');
  });

  it('treats regex characters literally unless regex is set', async () => {
    const project = await createTemporaryProject({
      'a.js': 'const x = a.b(c);\nconst y = aXb(c);\n',
    });
    const output = expectOutput(
      await searchCodeTool.execute({ pattern: 'a.b(' }, project.context()),
    );
    expect(output).toBe('1 matching line in 1 file:\na.js:1: const x = a.b(c);');
  });

  it('searches a single file given as path', async () => {
    const project = await createTemporaryProject(files);
    const output = expectOutput(
      await searchCodeTool.execute({ pattern: 'config', path: 'src/main.py' }, project.context()),
    );
    expect(output.split('\n')[0]).toBe('2 matching lines in 1 file:');
  });

  it('caps the matches shown and gives the total', async () => {
    const content = Array.from({ length: 150 }, (_, index) => `todo item ${index}`).join('\n');
    const project = await createTemporaryProject({ 'a.txt': content, 'b.txt': 'todo\n' });
    const output = expectOutput(
      await searchCodeTool.execute({ pattern: 'todo' }, project.context()),
    );
    const lines = output.split('\n');
    expect(lines[0]).toBe(
      '151 matching lines in 2 files; showing the first 100. Narrow the search with path or a more specific pattern:',
    );
    expect(lines).toHaveLength(101);
  });

  it('cuts very long lines around the match', async () => {
    const long = `${'x'.repeat(500)} needle ${'y'.repeat(500)}`;
    const project = await createTemporaryProject({ 'min.js': long });
    const output = expectOutput(
      await searchCodeTool.execute({ pattern: 'needle' }, project.context()),
    );
    const line = output.split('\n')[1] ?? '';
    expect(line).toContain('needle');
    expect(line.length).toBeLessThan(230);
  });

  it('skips binary files and files over 1 MB', async () => {
    const project = await createTemporaryProject({ 'big.txt': `needle\n${'z'.repeat(1_100_000)}` });
    await project.write('blob.bin', Buffer.concat([Buffer.from('needle'), Buffer.from([0, 1, 2])]));
    const output = expectOutput(
      await searchCodeTool.execute({ pattern: 'needle' }, project.context()),
    );
    expect(output).toContain('No matches');
    expect(output).toContain('2 binary or large files not searched');
  });

  it('reports an invalid regular expression as invalid arguments', async () => {
    const project = await createTemporaryProject(files);
    const error = expectError(
      await searchCodeTool.execute({ pattern: 'load_config(', regex: true }, project.context()),
    );
    expect(error.kind).toBe('invalid-arguments');
    expect(error.message).toMatch(/Invalid regular expression/);
  });

  it('reports paths that are missing or outside the project', async () => {
    const project = await createTemporaryProject(files);
    const missing = expectError(
      await searchCodeTool.execute({ pattern: 'x', path: 'lib' }, project.context()),
    );
    expect(missing.kind).toBe('not-found');
    const outside = expectError(
      await searchCodeTool.execute({ pattern: 'x', path: '/etc' }, project.context()),
    );
    expect(outside.kind).toBe('outside-project');
  });

  it('returns cancelled when the signal is aborted', async () => {
    const project = await createTemporaryProject(files);
    const controller = new AbortController();
    controller.abort();
    const error = expectError(
      await searchCodeTool.execute(
        { pattern: 'config' },
        project.context({ signal: controller.signal }),
      ),
    );
    expect(error.kind).toBe('cancelled');
  });

  it('adds where an identifier is defined, and related places when nothing matches, from the code index', async () => {
    const project = await createTemporaryProject(files);
    const asked: string[] = [];
    const codeSearch: CodeSearch = {
      definitions: (name) => {
        asked.push(`definitions ${name}`);
        return Promise.resolve(
          name === 'load_config'
            ? [{ path: 'src/config.py', line: 1, kind: 'function', name: 'load_config' }]
            : [],
        );
      },
      related: (query, limit) => {
        asked.push(`related ${query} ${limit}`);
        return Promise.resolve([
          {
            path: 'src/config.py',
            signals: ['lexical', 'graph'],
            places: [
              { startLine: 1, endLine: 2, symbols: ['load_config'] },
              { startLine: 4, endLine: 9, symbols: [] },
            ],
          },
          { path: 'src/settings.py', signals: ['paths'], places: [] },
        ]);
      },
    };
    const context = { ...project.context(), codeSearch };
    const found = expectOutput(await searchCodeTool.execute({ pattern: 'load_config' }, context));
    expect(found.split('\n').slice(0, 2)).toEqual([
      'Defined at: src/config.py:1 (function load_config)',
      '4 matching lines in 3 files:',
    ]);
    const missing = expectOutput(
      await searchCodeTool.execute({ pattern: 'read settings file' }, context),
    );
    expect(missing).toContain('No matches for "read settings file"');
    expect(missing).toContain(
      'Files the code index ranks as related (best first; why; best places):\n' +
        'src/config.py (words, uses): L1-2 load_config; L4-9\n' +
        'src/settings.py (path)',
    );
    expect(asked).toEqual(['definitions load_config', 'related read settings file 5']);
  });

  it('does without an index that cannot be used', async () => {
    const project = await createTemporaryProject(files);
    const codeSearch: CodeSearch = {
      definitions: () => Promise.resolve(undefined),
      related: () => Promise.resolve(undefined),
    };
    const output = expectOutput(
      await searchCodeTool.execute(
        { pattern: 'nothing_here' },
        { ...project.context(), codeSearch },
      ),
    );
    expect(output).toBe(
      'No matches for "nothing_here" in the project (plain text, ignoring case).',
    );
  });
});
