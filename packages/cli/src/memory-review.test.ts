import { randomBytes } from 'node:crypto';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { openStore } from '@outpost/core';
import type { AgentEvent, MemoryStore, ReflectionResult, Store } from '@outpost/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LineReader } from './input/line-reader.js';
import { reviewProposals, settleProposals } from './memory-review.js';
import { createStyle } from './render/style.js';

let directory: string;
let store: Store;
let memory: MemoryStore;

beforeEach(() => {
  directory = realpathSync(mkdtempSync(join(tmpdir(), 'outpost-review-')));
  store = openStore({ path: join(directory, 'o.db'), keyHex: randomBytes(32).toString('hex') });
  memory = store.memory({ projectRoot: directory });
});

afterEach(() => {
  store.close();
  rmSync(directory, { recursive: true, force: true });
});

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  return { stream, text: () => text };
}

/** A reader answering from a script; undefined once it runs out (end of input). */
function scriptedReader(answers: string[]): LineReader & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    question(prompt) {
      asked.push(prompt);
      return Promise.resolve(answers.shift());
    },
    onInterrupt: () => undefined,
    close: () => undefined,
  };
}

function propose(title: string): ReflectionResult['proposed'][number] {
  return memory.add({
    kind: 'fix',
    title,
    body: `Why ${title}.`,
    paths: ['calc.py'],
    status: 'proposed',
  });
}

function output(announced: AgentEvent[], json = false) {
  const stderr = capture();
  return {
    stderr,
    options: {
      memory,
      sessionId: '01a21099-0000-7000-8000-000000000000',
      stderr: stderr.stream,
      style: createStyle(false),
      json,
      announce: (event: AgentEvent) => announced.push(event),
    },
  };
}

describe('settleProposals', () => {
  it('leaves proposals proposed and says how to review them', () => {
    const record = propose('add() must add');
    const announced: AgentEvent[] = [];
    const { stderr, options } = output(announced);
    settleProposals(
      { proposed: [record], dropped: ['A call to read_file: only remember calls are taken.'] },
      { ...options, autoAccept: false },
    );
    expect(memory.get(record.id)?.status).toBe('proposed');
    expect(announced).toEqual([]);
    expect(stderr.text()).toContain(
      'Proposed 1 memory record; later sessions use it once accepted:',
    );
    expect(stderr.text()).toMatch(/ {2}fix +add\(\) must add {2}[0-9a-f-]{8,}\n/);
    expect(stderr.text()).toContain('memory accept ID');
    expect(stderr.text()).toContain('1 proposal to remember dropped (A call to read_file');
  });

  it('accepts them with --auto-accept-memory, and with --json says so only as events', () => {
    const records = [propose('one'), propose('two')];
    const announced: AgentEvent[] = [];
    const { stderr, options } = output(announced, true);
    settleProposals(
      { proposed: records, dropped: [], error: undefined },
      { ...options, autoAccept: true },
    );
    expect(records.map((record) => memory.get(record.id)?.status)).toEqual([
      'accepted',
      'accepted',
    ]);
    expect(announced).toEqual(
      records.map((record) => ({
        type: 'memory.reviewed',
        sessionId: options.sessionId,
        recordId: record.id,
        status: 'accepted',
        edited: false,
      })),
    );
    expect(stderr.text()).toBe('');
  });

  it('says when the reflection failed', () => {
    const { stderr, options } = output([]);
    settleProposals(
      { proposed: [], dropped: [], error: 'The model server answered 500.' },
      { ...options, autoAccept: true },
    );
    expect(stderr.text()).toBe('Nothing proposed to remember: The model server answered 500.\n');
  });
});

describe('reviewProposals', () => {
  it('accepts, edits then accepts, discards, or leaves each proposal for later', async () => {
    const records = ['accept me', 'edit me', 'discard me', 'later', 'end of input'].map(propose);
    const reader = scriptedReader(['x', 'a', 'e', 'Edited title', '', 'd', 'l']);
    const announced: AgentEvent[] = [];
    const { stderr, options } = output(announced);
    await reviewProposals({ proposed: records, dropped: [] }, { ...options, reader });

    const after = records.map((record) => memory.get(record.id));
    expect(after.map((record) => [record?.status, record?.title])).toEqual([
      ['accepted', 'accept me'],
      ['accepted', 'Edited title'],
      ['retired', 'discard me'],
      ['proposed', 'later'],
      ['proposed', 'end of input'],
    ]);
    expect(after[1]?.body).toBe('Why edit me.');
    expect(
      announced.map((event) => event.type === 'memory.reviewed' && [event.status, event.edited]),
    ).toEqual([
      ['accepted', false],
      ['accepted', true],
      ['retired', false],
    ]);
    expect(stderr.text()).toContain(
      'Proposed memory 1 of 5 (fix): accept me\n  Why accept me.\n  paths: calc.py\n',
    );
    expect(stderr.text()).toContain('Please answer a, e, d or l.');
    expect(stderr.text()).toMatch(/left proposed: outpost memory accept [0-9a-f-]{8,}/);
  });

  it('asks again when the store refuses an edit', async () => {
    const [record] = [propose('edit me')];
    if (record === undefined) throw new Error('no record');
    const reader = scriptedReader(['e', 'x'.repeat(300), '', 'a']);
    const { stderr, options } = output([]);
    await reviewProposals({ proposed: [record], dropped: [] }, { ...options, reader });
    expect(stderr.text()).toMatch(/memory record refused: .*title/);
    expect(memory.get(record.id)).toMatchObject({ status: 'accepted', title: 'edit me' });
  });
});
