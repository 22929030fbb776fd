import { describe, expect, it } from 'vitest';
import { createTemporaryProject } from '../../tool/__fixtures__/temporary-project.js';
import { openTestIndex } from './__fixtures__/open-test-index.js';

const files = {
  'src/config.py': [
    'import os',
    '',
    'def parse_config(text):',
    '    """Reads settings."""',
    '    return dict(line.split("=") for line in text.splitlines())',
    '',
    'class ConfigStore:',
    '    def load(self, path):',
    '        return parse_config(open(path).read())',
    '',
  ].join('\n'),
  'src/notes.py': [
    'def unrelated_helper(items):',
    '    # We parse the config elsewhere; this only counts things and never looks at',
    '    # any configuration at all, it just walks the items and adds them up.',
    '    total = 0',
    '    for item in items:',
    '        total += item',
    '    return total',
    '',
  ].join('\n'),
  'web/http.ts': [
    'export function parseHttpResponse(raw: string): string {',
    '  return raw.trim();',
    '}',
    '',
  ].join('\n'),
  'docs/guide.md': 'The loadUserProfile call reads a profile from disk.\n',
};

async function indexedProject() {
  const project = await createTemporaryProject(files, { git: true });
  const { index } = await openTestIndex(project.root);
  await index.build();
  return index;
}

describe('code index search', () => {
  it('ranks the file defining a symbol above one that merely mentions its words', async () => {
    const index = await indexedProject();
    for (const query of ['parse_config', 'parse config', 'parseConfig']) {
      const hits = index.search(query);
      expect(hits[0], query).toMatchObject({ path: 'src/config.py', symbols: ['parse_config'] });
      expect(hits.map((hit) => hit.path)).toContain('src/notes.py');
      const scores = hits.map((hit) => hit.score);
      expect(scores).toEqual([...scores].sort((left, right) => right - left));
    }
    expect(index.search('parse_config')[0]?.snippet).toContain('def parse_config(text):');
  });

  it('matches camelCase and snake_case parts of names, paths and text', async () => {
    const index = await indexedProject();
    expect(index.search('parse_http')[0]).toMatchObject({ path: 'web/http.ts', startLine: 1 });
    expect(index.search('http response')[0]?.path).toBe('web/http.ts');
    expect(index.search('parseHttpResponse')[0]?.path).toBe('web/http.ts');
    expect(index.search('user profile')[0]?.path).toBe('docs/guide.md');
    expect(index.search('guide')[0]?.path).toBe('docs/guide.md');
  });

  it('never throws on queries FTS5 would read as syntax', async () => {
    const index = await indexedProject();
    const queries = [
      '',
      '   ',
      '"',
      '"unbalanced',
      'config:parse',
      'path:src',
      '(parse OR',
      'NEAR(parse config)',
      'AND OR NOT',
      '*',
      'parse*',
      '^config',
      '-parse +config',
      "it's",
      '💥 ☃',
      'Traceback (most recent call last):\n  File "src/config.py", line 9, in load\n    return parse_config(open(path).read())\nKeyError: \'=\'',
    ];
    for (const query of queries) {
      expect(() => index.search(query), query).not.toThrow();
    }
    expect(index.search('')).toEqual([]);
    expect(index.search('"(*:')).toEqual([]);
    expect(index.search(queries.at(-1) ?? '')[0]?.path).toBe('src/config.py');
    expect(index.search('parse', { limit: 1 })).toHaveLength(1);
  });

  it('finds definitions and references by name', async () => {
    const index = await indexedProject();
    expect(index.findSymbol('parse_config')).toEqual([
      { path: 'src/config.py', name: 'parse_config', kind: 'function', startLine: 3, endLine: 5 },
    ]);
    expect(index.findSymbol('load')).toEqual([
      {
        path: 'src/config.py',
        name: 'load',
        kind: 'method',
        startLine: 8,
        endLine: 9,
        container: 'ConfigStore',
      },
    ]);
    expect(index.findSymbol('configstore')).toMatchObject([{ name: 'ConfigStore' }]);
    expect(index.findSymbol('missing')).toEqual([]);
    expect(index.references('parse_config')).toEqual([{ path: 'src/config.py', line: 9 }]);
    expect(index.references('missing')).toEqual([]);
  });

  it('outlines one file in source order', async () => {
    const index = await indexedProject();
    expect(index.definitionsIn('src/config.py').map((item) => [item.name, item.kind])).toEqual([
      ['parse_config', 'function'],
      ['ConfigStore', 'class'],
      ['load', 'method'],
    ]);
    expect(index.definitionsIn('docs/guide.md')).toEqual([]);
    expect(index.definitionsIn('no/such/file.py')).toEqual([]);
  });
});
