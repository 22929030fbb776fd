import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeEmbeddingModel } from '@outpost/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openProjectCodeIndex } from './project-code-index.js';
import type { IndexEvent, ProjectCodeIndexOptions } from './project-code-index.js';

let base: string;
let projectRoot: string;
let events: IndexEvent[];
const opened: { close(): Promise<void> }[] = [];

beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'outpost-project-index-')));
  projectRoot = join(base, 'project');
  mkdirSync(join(projectRoot, 'billing'), { recursive: true });
  writeFileSync(
    join(projectRoot, 'billing', 'invoice.py'),
    'class InvoiceTotals:\n    def compute_tax(self, amount):\n        return amount * 0.2\n',
  );
  writeFileSync(join(projectRoot, 'calc.py'), 'def add(a, b):\n    return a - b\n');
  execFileSync('git', ['init', '-q'], { cwd: projectRoot });
  events = [];
});

afterEach(async () => {
  for (const index of opened.splice(0)) await index.close();
  rmSync(base, { recursive: true, force: true });
});

function open(options: Partial<ProjectCodeIndexOptions> = {}) {
  const index = openProjectCodeIndex({
    projectRoot,
    indexPath: join(base, 'index.db'),
    emit: (event) => events.push(event),
    ...options,
  });
  opened.push(index);
  return index;
}

const signal = () => new AbortController().signal;
const updates = () => events.filter((event) => event.type === 'index.updated');

describe('the project code index of a session', () => {
  it('builds when the session starts, maps the first message, and re-reads only changed files later', async () => {
    const first = open();
    const map = await first.repoMap('compute_tax is wrong', 1000, signal());
    expect(map?.split('\n').slice(1, 4)).toEqual([
      'billing/invoice.py',
      '  class InvoiceTotals L1-3',
      '    method compute_tax L2-3',
    ]);
    expect(updates()).toEqual([expect.objectContaining({ indexed: 2, unchanged: 0 })]);

    // A later turn of the same session looks for changes first.
    writeFileSync(
      join(projectRoot, 'calc.py'),
      'def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a * b\n',
    );
    const second = await first.repoMap('add mul', 1000, signal());
    expect(second).toContain('  function mul L5-6');
    expect(updates().at(-1)).toMatchObject({ indexed: 1, unchanged: 1 });
    await first.close();

    // A new session on an unchanged project builds nothing.
    events = [];
    const again = open();
    expect(await again.repoMap('compute_tax', 1000, signal())).toContain('billing/invoice.py');
    expect(await again.definitions('add')).toEqual([
      { path: 'calc.py', line: 1, kind: 'function', name: 'add' },
    ]);
    expect(events).toEqual([]);
  });

  it('answers search_code with ranked files, the signals that put them there and their best lines', async () => {
    const index = open();
    const related = await index.related('compute_tax', 5);
    expect(related?.[0]).toEqual({
      path: 'billing/invoice.py',
      signals: expect.arrayContaining(['identifiers', 'lexical']) as unknown,
      places: [
        expect.objectContaining({
          startLine: 1,
          symbols: expect.arrayContaining(['compute_tax']) as unknown,
        }),
      ],
    });
  });

  it('adds the semantic signal with a configured embedding model, and is released on close', async () => {
    const model = new FakeEmbeddingModel();
    let disposed = 0;
    const embeddings = Object.assign(model, {
      dispose: () => {
        disposed += 1;
        return Promise.resolve();
      },
    });
    const index = open({ embeddings: () => Promise.resolve(embeddings) });
    const related = await index.related('invoice totals tax', 5);
    expect(related?.[0]?.path).toBe('billing/invoice.py');
    expect(related?.[0]?.signals).toContain('semantic');
    // Chunks were embedded during the build, then the query.
    expect(model.calls.flat()).toContain('invoice totals tax');
    expect(events.filter((event) => event.type === 'index.warning')).toEqual([]);
    await index.close();
    expect(disposed).toBe(1);
  });

  it('says once that the embedding model cannot be used, and ranks without it', async () => {
    const index = open({
      embeddings: () => Promise.reject(new Error('There is no embedding model file at /x.gguf.')),
    });
    const related = await index.related('compute_tax', 5);
    expect(related?.[0]?.path).toBe('billing/invoice.py');
    expect(related?.[0]?.signals).not.toContain('semantic');
    await index.related('invoice', 5);
    expect(events.filter((event) => event.type === 'index.warning')).toEqual([
      {
        type: 'index.warning',
        message:
          'The embedding model could not be used (There is no embedding model file at /x.gguf.); the code index ranks without it.',
      },
    ]);
  });

  it('with a budget of 0 gives no map, and does not wait for the index', async () => {
    const index = open();
    expect(await index.repoMap('compute_tax', 0, signal())).toBeUndefined();
    expect(events).toEqual([]);
  });

  it('reports progress while a turn waits past the quiet time', async () => {
    let clock = 0;
    const index = open({ quietMs: 0, now: () => (clock += 1000) });
    await index.repoMap('compute_tax', 1000, signal());
    const progress = events.filter((event) => event.type === 'index.build-progressed');
    expect(progress[0]).toEqual({ type: 'index.build-progressed', done: 0, total: 0 });
    expect(progress.at(-1)).toEqual({ type: 'index.build-progressed', done: 2, total: 2 });
    expect(events.at(-1)?.type).toBe('index.updated');
  });

  it('stops waiting when the turn is cancelled', async () => {
    const index = open();
    const controller = new AbortController();
    controller.abort();
    expect(await index.repoMap('compute_tax', 1000, controller.signal)).toBeUndefined();
    // The build went on; the next use announces it.
    expect(await index.definitions('add')).toHaveLength(1);
    expect(updates()).toHaveLength(1);
  });

  it('says once that an unusable index is not used, and the session goes on without it', async () => {
    writeFileSync(join(base, 'not-a-directory'), '');
    const index = open({ indexPath: join(base, 'not-a-directory', 'index.db') });
    expect(await index.repoMap('compute_tax', 1000, signal())).toBeUndefined();
    expect(await index.definitions('add')).toBeUndefined();
    expect(await index.related('add', 5)).toBeUndefined();
    expect(events).toEqual([
      {
        type: 'index.failed',
        message: expect.stringMatching(
          /^The code index could not be used \(.+\); search_code searches the files directly and turns go without a repository map\.$/,
        ) as unknown,
      },
    ]);
  });
});
