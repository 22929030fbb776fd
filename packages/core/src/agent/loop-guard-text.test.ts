import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { editFallback } from './edit-fallback.js';
import type { EditFallbackInput } from './edit-fallback.js';
import { DEFAULT_LOOP_GUARD } from './loop-guard-settings.js';
import { loopGuardNote, loopGuardSummary } from './loop-guard-text.js';
import type { LoopGuardLevel, LoopTrigger } from './loop-guard-text.js';

const call = (toolName: string, input: object, ok = true): LoopTrigger => ({
  reason: 'repeated-call',
  count: 3,
  toolName,
  arguments: JSON.stringify(input),
  ok,
});

const TRIGGERS: Record<string, LoopTrigger> = {
  read_file: call('read_file', { path: 'src/a.ts' }),
  list_files: call('list_files', {}),
  search_code: call('search_code', { pattern: 'parseConfig' }),
  run_command: call('run_command', { command: 'npm test' }),
  edit_file: call('edit_file', { path: 'src/a.ts', search: 'x', replace: 'y' }, false),
  write_file: call('write_file', { path: 'src/a.ts', content: 'x' }),
  'failed read_file': call('read_file', { path: 'src/b.ts' }, false),
  recall: call('recall', { query: 'release process' }),
  'repeated-error': {
    reason: 'repeated-error',
    count: 3,
    toolName: 'read_file',
    errorKind: 'invalid-arguments',
  },
  'no-progress': { reason: 'no-progress', count: 6 },
};

describe('loop guard texts (loop-guard.md, loop-guard-advice.md)', () => {
  it('tells the model what repeated and what to do instead, at each level', () => {
    const notes: Record<string, string> = {};
    for (const level of ['note', 'strategy', 'stop'] as LoopGuardLevel[]) {
      for (const [name, trigger] of Object.entries(TRIGGERS)) {
        notes[`${level} ${name}`] = loopGuardNote(level, trigger, { canChangeFiles: true });
      }
    }
    expect(notes).toMatchSnapshot();
  });

  it('suggests no tool that changes files to a model that has none', () => {
    const notes: Record<string, string> = {};
    for (const level of ['note', 'strategy'] as LoopGuardLevel[]) {
      for (const name of ['read_file', 'search_code', 'no-progress', 'repeated-error']) {
        const trigger = TRIGGERS[name];
        if (trigger === undefined) throw new Error(name);
        const note = loopGuardNote(level, trigger, { canChangeFiles: false });
        expect(note).not.toMatch(/edit_file|write_file|run_command/);
        notes[`${level} ${name}`] = note;
      }
    }
    expect(notes).toMatchSnapshot();
  });

  it('sums an intervention up for the user in one sentence', () => {
    const summaries = (['note', 'strategy', 'stop'] as LoopGuardLevel[]).flatMap((level) =>
      ['read_file', 'run_command', 'repeated-error', 'no-progress'].map((name) =>
        loopGuardSummary(level, TRIGGERS[name] as LoopTrigger),
      ),
    );
    expect(summaries).toMatchSnapshot();
  });
});

describe('edit fallback texts (edit-fallback.md)', () => {
  let projectRoot: string;
  beforeEach(() => {
    projectRoot = realpathSync(mkdtempSync(join(tmpdir(), 'outpost-edit-fallback-')));
  });
  afterEach(() => rmSync(projectRoot, { recursive: true, force: true }));

  const input = (overrides: Partial<EditFallbackInput> = {}): EditFallbackInput => ({
    projectRoot,
    path: 'README.md',
    failures: 2,
    given: undefined,
    settings: DEFAULT_LOOP_GUARD,
    canWriteFiles: true,
    fitsReply: () => Promise.resolve(true),
    ...overrides,
  });

  it('hands back a small file whole, fenced so its own fences stay inside', async () => {
    writeFileSync(join(projectRoot, 'README.md'), '\uFEFF# Title\n\n```sh\nnpm test\n```\n');
    const fallback = await editFallback(input());
    expect(fallback?.action).toBe('rewrite-file');
    expect(fallback?.note).toContain('\n````\n# Title\n\n```sh\nnpm test\n```\n````\n');
    expect(fallback).toMatchSnapshot();
  });

  it('reminds instead of repeating the content once it was given', async () => {
    writeFileSync(join(projectRoot, 'README.md'), '# Title\n');
    expect(await editFallback(input({ failures: 3, given: 'rewrite-file' }))).toMatchSnapshot();
  });

  it('asks for a re-read when the file is too long, too big, too costly or cannot be written', async () => {
    writeFileSync(join(projectRoot, 'README.md'), 'line\n'.repeat(301));
    const long = await editFallback(input());
    expect(long).toMatchSnapshot();
    const big = await editFallback(
      input({ settings: { rewriteMaxLines: 300, rewriteMaxBytes: 1000 } }),
    );
    expect(big?.note).toContain('too large to write whole (1.5 KB)');
    writeFileSync(join(projectRoot, 'README.md'), 'line\n');
    for (const overrides of [
      { fitsReply: () => Promise.resolve(false) },
      { canWriteFiles: false },
    ] satisfies Partial<EditFallbackInput>[]) {
      expect((await editFallback(input(overrides)))?.action).toBe('reread-file');
    }
  });

  it('says nothing for a file that is gone or outside the project', async () => {
    expect(await editFallback(input({ path: 'missing.md' }))).toBeUndefined();
    expect(await editFallback(input({ path: '../outside.md' }))).toBeUndefined();
  });
});
