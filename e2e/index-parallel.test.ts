// The worker-thread analyzer only exists compiled (unit tests run the TypeScript sources, where
// builds parse in the calling thread), so it is tested here against the built package.
import { mkdtempSync, realpathSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import {
  builtInExtractor,
  createParallelAnalyzer,
  openCodeIndex,
} from '../packages/core/dist/code-index/index.js';

const bases: string[] = [];
afterEach(() => {
  for (const base of bases.splice(0)) rmSync(base, { recursive: true, force: true });
});

/** A project of many small files in several languages, each defining and calling names. */
function createProject(files: number): string {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'outpost-parallel-')));
  bases.push(base);
  const root = join(base, 'project');
  for (let index = 0; index < files; index += 1) {
    const directory = join(root, `pkg${index % 7}`);
    mkdirSync(directory, { recursive: true });
    const next = (index + 1) % files;
    if (index % 3 === 0) {
      writeFileSync(
        join(directory, `module_${index}.py`),
        `class Shape${index}:\n    def area_${index}(self):\n        return compute_${next}(self)\n\n\ndef compute_${index}(value):\n    return Shape${next}().area_${next}()\n`,
      );
    } else if (index % 3 === 1) {
      writeFileSync(
        join(directory, `widget${index}.ts`),
        `export function renderWidget${index}(count: number): string {\n  return renderWidget${next}(count - 1);\n}\n`,
      );
    } else {
      writeFileSync(
        join(directory, `notes${index}.md`),
        `Notes about compute_${index} and more.\n`,
      );
    }
  }
  writeFileSync(join(root, 'binary.bin'), Buffer.from([0, 1, 2, 0, 255]));
  return root;
}

/** Everything the index holds about the project, in a stable order. */
function dump(indexPath: string): unknown {
  const db = new Database(indexPath, { readonly: true });
  try {
    return {
      files: db
        .prepare('SELECT path, hash, size, language, skip_reason FROM files ORDER BY path')
        .all(),
      definitions: db
        .prepare(
          'SELECT path, name, kind, start_line, end_line, container FROM definitions ORDER BY path, start_line, name',
        )
        .all(),
      references: db
        .prepare('SELECT path, name, lines FROM symbol_references ORDER BY path, name')
        .all(),
      chunks: db
        .prepare(
          'SELECT path, start_line, end_line, text, symbols FROM chunks ORDER BY path, start_line',
        )
        .all(),
    };
  } finally {
    db.close();
  }
}

describe('building the index in worker threads', () => {
  it('indexes exactly what a build in the calling thread indexes, and stays searchable', async () => {
    const root = createProject(150);
    const paths = [join(root, '..', 'threads.db'), join(root, '..', 'inline.db')];
    const threaded = openCodeIndex({
      projectRoot: root,
      indexPath: paths[0] as string,
      extractor: builtInExtractor,
      createAnalyzer: createParallelAnalyzer({ workers: 2, minFiles: 1 }),
    });
    const inline = openCodeIndex({
      projectRoot: root,
      indexPath: paths[1] as string,
      extractor: builtInExtractor,
    });
    const progress: number[] = [];
    const result = await threaded.build({ onProgress: (step) => progress.push(step.done) });
    const expected = await inline.build();
    expect(result).toMatchObject({
      files: expected.files,
      indexed: 150,
      symbols: expected.symbols,
      chunks: expected.chunks,
    });
    expect(result.skipped).toEqual([{ path: 'binary.bin', reason: 'binary' }]);
    expect(Math.max(...progress)).toBe(151);
    expect(threaded.findSymbol('compute_42')).toEqual(inline.findSymbol('compute_42'));
    expect(threaded.references('renderWidget5')).toEqual([{ path: 'pkg4/widget4.ts', line: 2 }]);
    expect(threaded.rankFiles('Shape12 area is wrong', { limit: 3 })[0]?.path).toBe(
      'pkg5/module_12.py',
    );
    threaded.close();
    inline.close();
    expect(dump(paths[0] as string)).toEqual(dump(paths[1] as string));
  });

  it('re-indexes a changed file in the calling thread and says so in the result', async () => {
    const root = createProject(120);
    const index = openCodeIndex({
      projectRoot: root,
      indexPath: join(root, '..', 'index.db'),
      extractor: builtInExtractor,
      createAnalyzer: createParallelAnalyzer({ workers: 2 }),
    });
    await index.build();
    writeFileSync(join(root, 'pkg0', 'module_0.py'), 'def brand_new_name():\n    return 1\n');
    const again = await index.build();
    expect(again).toMatchObject({ indexed: 1, unchanged: 119, files: 120 });
    expect(index.findSymbol('brand_new_name')).toEqual([
      {
        path: 'pkg0/module_0.py',
        name: 'brand_new_name',
        kind: 'function',
        startLine: 1,
        endLine: 2,
      },
    ]);
    expect(index.findSymbol('compute_0')).toEqual([]);
    index.close();
  });
});
