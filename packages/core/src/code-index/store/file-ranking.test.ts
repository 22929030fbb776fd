import { describe, expect, it } from 'vitest';
import { createTemporaryProject } from '../../tool/__fixtures__/temporary-project.js';
import { openTestIndex } from './__fixtures__/open-test-index.js';

async function indexed(files: Record<string, string>) {
  const project = await createTemporaryProject(files, { git: true });
  const { index } = await openTestIndex(project.root);
  await index.build();
  return index;
}

const lines = (...text: string[]): string => `${text.join('\n')}\n`;

describe('file ranking', () => {
  it('ranks the file defining an identifier quoted in the query first', async () => {
    const index = await indexed({
      'app/settings.py': lines(
        'def load_settings(path):',
        '    return read_values(path)',
        '',
        'def read_values(path):',
        '    return {}',
      ),
      'app/notes.py': lines(
        'def summary():',
        '    # settings files with blank lines crash; blank lines in settings are common,',
        '    # settings with blank lines should load; blank lines, blank lines, settings.',
        '    return None',
      ),
    });
    const query =
      'Crash on blank lines in settings\n\nCalling `read_values` on a file with blank lines fails.';
    const ranked = index.rankFiles(query);
    expect(ranked[0]?.path).toBe('app/settings.py');
    expect(ranked[0]?.signals.identifiers).toBeGreaterThan(0);
    expect(index.rankFiles(query, { without: ['identifiers'] })[0]?.path).toBe('app/notes.py');
  });

  it('caps what many quoted names of one module add to that module', async () => {
    const names = Array.from({ length: 8 }, (_, index) => `helper_${index}`);
    const index = await indexed({
      'lib/helpers.py': lines(...names.map((name) => `def ${name}():\n    return 1`)),
      'lib/parser.py': lines('def parse_header(text):', '    return text.split(":")'),
    });
    const query = `parse_header fails\n\n${names.map((name) => `\`${name}\``).join(' ')}`;
    const ranked = index.rankFiles(query);
    const helpers = ranked.find((file) => file.path === 'lib/helpers.py');
    // Eight quoted names would add 8; the evidence saturates at 3.
    expect(helpers?.signals.identifiers).toBe(3);
    expect(ranked.find((file) => file.path === 'lib/parser.py')?.signals.identifiers).toBe(2);
  });

  it('ranks the file of a stack-trace frame first, wherever the trace was taken', async () => {
    const index = await indexed({
      'pkg/core.py': lines('def handle(name):', '    return open(name).read()'),
      'pkg/errors.py': lines(
        'def explain(error):',
        '    # KeyError while loading a missing plugin: the plugin is missing, loading fails.',
        '    return str(error)',
      ),
    });
    const query = lines(
      'KeyError while loading a missing plugin',
      'Traceback (most recent call last):',
      '  File "/home/someone/venv/lib/python3.11/site-packages/pkg/core.py", line 2, in <module>',
      "KeyError: 'plugin'",
    );
    const ranked = index.rankFiles(query);
    expect(ranked[0]).toMatchObject({ path: 'pkg/core.py' });
    expect(ranked[0]?.signals.paths).toBeGreaterThan(0);
    expect(index.rankFiles(query, { without: ['paths'] })[0]?.path).toBe('pkg/errors.py');
    expect(index.rankFiles('missing plugin, see pkg/core.py:2')[0]?.path).toBe('pkg/core.py');
  });

  it('breaks lexical ties toward files whose definitions many files use', async () => {
    const index = await indexed({
      'pkg/alpha/helpers.py': lines(
        'def alpha_helper(value):',
        '    return value  # widget labels',
      ),
      'pkg/betaa/helpers.py': lines(
        'def betaa_helper(value):',
        '    return value  # widget labels',
      ),
      'pkg/one.py': lines('def one():', '    return betaa_helper(1)'),
      'pkg/two.py': lines('def two():', '    return betaa_helper(2)'),
      'pkg/three.py': lines('def three():', '    return betaa_helper(3)'),
    });
    const ranked = index.rankFiles('widget labels');
    expect(ranked.map((file) => file.path).slice(0, 2)).toEqual([
      'pkg/betaa/helpers.py',
      'pkg/alpha/helpers.py',
    ]);
    expect(ranked[0]?.signals.graph).toBeGreaterThan(0);
    // Without the graph the two tie, and the tie goes to the path order.
    const plain = index.rankFiles('widget labels', { without: ['graph'] });
    expect(plain[0]?.score).toBe(plain[1]?.score);
    expect(plain[0]?.path).toBe('pkg/alpha/helpers.py');
  });

  it('lends a matching test file’s score to the source it tests, and demotes the test', async () => {
    const index = await indexed({
      'src/shapes.py': lines(
        'def surface(w, h):',
        '    # the area of a rectangle',
        '    return w * h',
      ),
      'tests/test_shapes.py': lines(
        'from shapes import surface',
        'def test_negative():',
        '    # negative width gives a negative area; a negative area is wrong',
        '    assert surface(-1, 2) >= 0',
      ),
      'src/report.py': lines(
        'def report(rows):',
        '    # negative totals are shown in red',
        '    return rows',
      ),
    });
    const query = 'negative width gives a negative area';
    const ranked = index.rankFiles(query);
    const order = ranked.map((file) => file.path);
    expect(order[0]).toBe('src/shapes.py');
    expect(ranked[0]?.signals.tests).toBeGreaterThan(0);
    expect(order.indexOf('tests/test_shapes.py')).toBeGreaterThan(0);
    const withoutPairing = index.rankFiles(query, { without: ['tests'] });
    expect(withoutPairing[0]?.path).toBe('tests/test_shapes.py');
  });

  it('counts code under docs, examples and scripts half, like documentation', async () => {
    const index = await indexed({
      'examples/gallery.py': lines(
        'def gallery(photo):',
        '    # thumbnail ratio: every thumbnail keeps the ratio of its photo.',
        '    return photo',
      ),
      'imaging/scale.py': lines(
        'def scale(photo, size):',
        '    # keeps the thumbnail ratio',
        '    return photo',
      ),
    });
    const query = 'thumbnail ratio is wrong';
    const ranked = index.rankFiles(query);
    expect(ranked.map((file) => file.path)).toEqual(['imaging/scale.py', 'examples/gallery.py']);
    expect(ranked[1]?.signals.code).toBeLessThan(0);
    expect(index.rankFiles(query, { without: ['code'] })[0]?.path).toBe('examples/gallery.py');
  });

  it('ranks the symbols of the best files, quoted names first', async () => {
    const index = await indexed({
      'app/settings.py': lines(
        'class Settings:',
        '    def load(self, path):',
        '        return self.parse(path)',
        '    def parse(self, path):',
        '        return {}',
      ),
    });
    const symbols = index.rankSymbols('`Settings.parse` returns nothing for blank files', {
      limit: 3,
    });
    expect(symbols[0]).toMatchObject({ path: 'app/settings.py', name: 'parse' });
    expect(index.rankFiles('')).toEqual([]);
    expect(index.rankSymbols('"(*:')).toEqual([]);
  });
});
