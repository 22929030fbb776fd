import { rm, stat, utimes } from 'node:fs/promises';
import * as path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { readTextFile } from '../../project/file-kind.js';
import { createTemporaryProject } from '../../tool/__fixtures__/temporary-project.js';
import { openTestIndex } from './__fixtures__/open-test-index.js';
import { regexSymbolExtractor } from './__fixtures__/regex-symbol-extractor.js';
import type { ReadTextFile } from './file-analysis.js';
import type { IndexProgress } from './index-build.js';

const pythonFiles = {
  'src/config.py': 'def parse_config(text):\n    return text.split()\n',
  'src/server.py':
    'class Server:\n    def start(self):\n        parse_config("x")\n\n    def stop(self):\n        pass\n',
  'README.md': '# Demo\n\nRun the server.\n',
};

async function gitProject(files: Record<string, string | Uint8Array>) {
  const project = await createTemporaryProject({}, { git: true });
  for (const [relativePath, content] of Object.entries(files)) {
    await project.write(relativePath, content);
  }
  return project;
}

describe('code index build', () => {
  it('indexes every file, honouring .gitignore and .outpostignore', async () => {
    const project = await gitProject({
      ...pythonFiles,
      '.gitignore': 'generated/\n*.log\n',
      '.outpostignore': 'secrets/\n',
      'generated/out.py': 'def generated(): pass\n',
      'debug.log': 'noise\n',
      'secrets/keys.py': 'def secret(): pass\n',
    });
    project.git('add', 'src/config.py');
    project.git('commit', '--quiet', '-m', 'initial');
    const { index } = await openTestIndex(project.root);

    const result = await index.build();

    expect(result).toMatchObject({ indexed: 5, unchanged: 0, removed: 0, files: 5, skipped: [] });
    expect(result.symbols).toBe(4);
    expect(index.status()).toMatchObject({ files: 5, symbols: 4, chunks: result.chunks });
    expect(index.status().builtAt).toBeTypeOf('number');
    expect(index.findSymbol('generated')).toEqual([]);
    expect(index.findSymbol('secret')).toEqual([]);
    expect(index.search('noise')).toEqual([]);
  });

  it('skips binary, huge and vendored files with their reasons, and records unreadable ones', async () => {
    const project = await gitProject({
      ...pythonFiles,
      'logo.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]),
      'data/huge.txt': 'x'.repeat(5_000),
      'vendor/lib.py': 'def vendored(): pass\n',
      'web/dist/bundle.js': 'var a = 1;\n',
      'web/app.min.js': 'var b = 2;\n',
      'package-lock.json': '{}\n',
      'Cargo.lock': '# lock\n',
      'src/secret.py': 'def hidden(): pass\n',
    });
    const failingRead: ReadTextFile = async (absolutePath, options) => {
      if (absolutePath.endsWith('secret.py')) {
        throw Object.assign(new Error(`EACCES: permission denied, open '${absolutePath}'`), {
          code: 'EACCES',
        });
      }
      return readTextFile(absolutePath, options);
    };
    const { index } = await openTestIndex(project.root, {
      maxFileBytes: 4_000,
      readFile: failingRead,
    });

    const result = await index.build();

    expect(result.skipped.map(({ path, reason }) => ({ path, reason }))).toEqual([
      { path: 'Cargo.lock', reason: 'vendored' },
      { path: 'data/huge.txt', reason: 'too-large' },
      { path: 'logo.png', reason: 'binary' },
      { path: 'package-lock.json', reason: 'vendored' },
      { path: 'src/secret.py', reason: 'unreadable' },
      { path: 'vendor/lib.py', reason: 'vendored' },
      { path: 'web/app.min.js', reason: 'vendored' },
      { path: 'web/dist/bundle.js', reason: 'vendored' },
    ]);
    const unreadable = result.skipped.find((entry) => entry.reason === 'unreadable');
    expect(unreadable?.detail).toContain('permission denied');
    expect(result.skipped.find((entry) => entry.reason === 'too-large')?.detail).toContain('5000');
    expect(result).toMatchObject({ indexed: 3, files: 3 });
    expect(index.findSymbol('vendored')).toEqual([]);

    // Skipped files stay skipped (and reported) on the next build without being parsed.
    const again = await index.build();
    expect(again.indexed).toBe(0);
    expect(again.skipped.map((entry) => entry.path)).toEqual(
      result.skipped.map((entry) => entry.path),
    );
  });

  it('reports progress in order: scanning, indexing each changed file, done', async () => {
    const project = await gitProject(pythonFiles);
    const { index } = await openTestIndex(project.root);
    const events: IndexProgress[] = [];

    await index.build({ onProgress: (progress) => events.push(progress) });

    const phases = events.map((event) => event.phase);
    const order = ['scanning', 'indexing', 'done'];
    expect(phases.map((phase) => order.indexOf(phase))).toEqual(
      [...phases.map((phase) => order.indexOf(phase))].sort(),
    );
    expect(phases[0]).toBe('scanning');
    expect(events.at(-1)).toEqual({ phase: 'done', done: 3, total: 3 });
    const indexing = events.filter((event) => event.phase === 'indexing');
    expect(indexing.map((event) => event.done)).toEqual([1, 2, 3]);
    expect(indexing.every((event) => event.total === 3)).toBe(true);
    expect(indexing.map((event) => event.path).sort()).toEqual(Object.keys(pythonFiles).sort());
  });

  it('re-indexes only what changed: edited, added and deleted files', async () => {
    const project = await gitProject(pythonFiles);
    const parsed: string[] = [];
    const { index } = await openTestIndex(project.root, {
      extractor: {
        ...regexSymbolExtractor,
        extractSymbols: (language, source) => {
          parsed.push(source);
          return regexSymbolExtractor.extractSymbols(language, source);
        },
      },
    });
    await index.build();
    expect(parsed).toHaveLength(2);

    parsed.length = 0;
    expect(await index.build()).toMatchObject({ indexed: 0, unchanged: 3, removed: 0 });
    expect(parsed).toEqual([]);

    await project.write('src/config.py', 'def load_config(path):\n    return open(path)\n');
    const edited = await index.build();
    expect(edited).toMatchObject({ indexed: 1, unchanged: 2, removed: 0, files: 3 });
    expect(parsed).toEqual(['def load_config(path):\n    return open(path)\n']);
    expect(index.findSymbol('parse_config')).toEqual([]);
    expect(index.findSymbol('load_config')).toHaveLength(1);

    await project.write('src/extra.py', 'def extra_step(): pass\n');
    expect(await index.build()).toMatchObject({ indexed: 1, unchanged: 3, files: 4 });

    await rm(path.join(project.root, 'src/server.py'));
    const removed = await index.build();
    expect(removed).toMatchObject({ indexed: 0, unchanged: 3, removed: 1, files: 3 });
    expect(index.findSymbol('Server')).toEqual([]);
    expect(index.references('parse_config')).toEqual([]);
    expect(index.search('server start').map((hit) => hit.path)).not.toContain('src/server.py');
  });

  it('trusts size and time of old files without reading them, but not of just-written ones', async () => {
    const project = await gitProject(pythonFiles);
    let reads = 0;
    const countingRead: ReadTextFile = (absolutePath, options) => {
      reads += 1;
      return readTextFile(absolutePath, options);
    };
    const later = await openTestIndex(project.root, {
      readFile: countingRead,
      // Indexed long after the files were written: their times can be trusted.
      clock: () => Date.now() + 60_000,
    });
    await later.index.build();
    reads = 0;
    expect(await later.index.build()).toMatchObject({ indexed: 0, unchanged: 3 });
    expect(reads).toBe(0);

    // Written in the same instant as the build: the same size and time must not hide an edit.
    const { index } = await openTestIndex(project.root);
    await index.build();
    const target = path.join(project.root, 'src/config.py');
    const before = await stat(target);
    await project.write('src/config.py', 'def parse_kaboom(text):\n    return text.split()\n');
    await utimes(target, before.atime, before.mtime);
    expect((await stat(target)).size).toBe(before.size);
    expect(await index.build()).toMatchObject({ indexed: 1 });
    expect(index.findSymbol('parse_kaboom')).toHaveLength(1);
  });

  it('tells whether the project changed since the last build', async () => {
    const project = await gitProject(pythonFiles);
    const { index } = await openTestIndex(project.root);
    expect(await index.isStale()).toBe(true);
    await index.build();
    expect(await index.isStale()).toBe(false);
    expect(index.status({ checkStale: true }).stale).toBe(false);
    expect(index.status().stale).toBeUndefined();

    // Touched without a change of content: not stale.
    const target = path.join(project.root, 'README.md');
    const future = new Date(Date.now() + 5_000);
    await utimes(target, future, future);
    expect(await index.isStale()).toBe(false);
    expect(index.status({ checkStale: true }).stale).toBe(false);

    await project.write('README.md', '# Demo\n\nRun the server twice.\n');
    expect(await index.isStale()).toBe(true);
    expect(index.status({ checkStale: true }).stale).toBe(true);
    await index.build();
    expect(await index.isStale()).toBe(false);

    await project.write('docs/new.md', 'new\n');
    expect(await index.isStale()).toBe(true);
    await index.build();

    await rm(path.join(project.root, 'docs/new.md'));
    expect(await index.isStale()).toBe(true);
    expect(index.status({ checkStale: true }).stale).toBe(true);
  });

  it('rebuilds an index written by another schema version or that is not a database', async () => {
    const project = await gitProject(pythonFiles);
    const first = await openTestIndex(project.root);
    await first.index.build();
    first.index.close();
    const raw = new Database(first.indexPath);
    raw.prepare(`UPDATE meta SET value = '0' WHERE key = 'schema_version'`).run();
    raw.close();

    const reopened = first.reopen();
    expect(reopened.status()).toMatchObject({ files: 0, symbols: 0, builtAt: undefined });
    expect(await reopened.build()).toMatchObject({ indexed: 3, files: 3 });
    expect(reopened.findSymbol('parse_config')).toHaveLength(1);
    reopened.close();

    const { writeFile } = await import('node:fs/promises');
    await writeFile(first.indexPath, 'this is not an SQLite database, just text '.repeat(200));
    await rm(`${first.indexPath}-wal`, { force: true });
    await rm(`${first.indexPath}-shm`, { force: true });
    const replaced = first.reopen();
    expect(await replaced.build()).toMatchObject({ indexed: 3, files: 3 });
  });

  it('stops on abort between files and leaves an index the next build completes', async () => {
    const files: Record<string, string> = {};
    for (let number = 0; number < 40; number += 1) {
      files[`src/module_${number}.py`] = `def function_${number}():\n    return ${number}\n`;
    }
    const project = await gitProject(files);
    const { index, reopen } = await openTestIndex(project.root);
    const controller = new AbortController();

    const aborted = index.build({
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.phase === 'indexing' && progress.done === 5) controller.abort();
      },
    });

    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    const partial = index.status();
    expect(partial.builtAt).toBeUndefined();
    expect(partial.files).toBeLessThan(40);
    expect(index.search('function')).toBeInstanceOf(Array);
    expect(await index.isStale()).toBe(true);

    const other = reopen();
    const completed = await other.build();
    expect(completed.files).toBe(40);
    expect(completed.indexed + completed.unchanged).toBe(40);
    expect(other.findSymbol('function_39')).toHaveLength(1);
    expect(await other.isStale()).toBe(false);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const project = await gitProject(pythonFiles);
    const { index } = await openTestIndex(project.root);
    await expect(index.build({ signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(await index.build()).toMatchObject({ indexed: 3 });
  });
});
