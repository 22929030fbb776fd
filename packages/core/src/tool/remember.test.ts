import { describe, expect, it } from 'vitest';
import { createInMemoryMemoryStore } from '../memory/__fixtures__/in-memory-memory-store.js';
import { shortMemoryId } from '../memory/memory-short-id.js';
import { toolSpecForProfile } from '../prompt/prompt-profile.js';
import { createTemporaryProject } from './__fixtures__/temporary-project.js';
import { decideApproval, toolsForPolicy } from '../agent/approval-policy.js';
import { createMemoryTools } from './memory-tools.js';
import { rememberTool } from './remember.js';
import type { ToolMemory } from './tool.js';
import { toToolSpec } from './tool.js';
import type { AnyTool } from './tool.js';

function memoryFor(store = createInMemoryMemoryStore()): ToolMemory & { store: typeof store } {
  return { store, sessionId: 'session-1', model: 'fake/fake-model', workPaths: () => [] };
}

describe('remember', () => {
  it('proposes a record with the session and model as provenance', async () => {
    const project = await createTemporaryProject();
    const memory = memoryFor();
    const result = await rememberTool.execute(
      {
        kind: 'fix',
        title: 'add() must add',
        body: 'test_calc.py failed because add returned a - b.',
        tags: ['calc', 'calc'],
        paths: ['./calc.py', `${project.root}/test_calc.py`],
      },
      project.context({ memory }),
    );
    expect(result.ok).toBe(true);
    const [record] = memory.store.list();
    expect(record).toMatchObject({
      kind: 'fix',
      title: 'add() must add',
      status: 'proposed',
      tags: ['calc'],
      paths: ['calc.py', 'test_calc.py'],
      provenance: { session: 'session-1', model: 'fake/fake-model' },
    });
    expect(result.ok && result.output).toBe(
      `Proposed memory ${shortMemoryId(memory.store, record?.id ?? '')}: "add() must add". The user reviews it before later sessions use it.`,
    );
  });

  it('does not add a record whose title is already remembered', async () => {
    const project = await createTemporaryProject();
    const memory = memoryFor();
    const first = memory.store.add({
      kind: 'decision',
      title: 'Use SQLite',
      body: 'One file, no server.',
      status: 'accepted',
    });
    const result = await rememberTool.execute(
      { kind: 'decision', title: 'use sqlite!', body: 'Again.' },
      project.context({ memory }),
    );
    expect(result.ok && result.output).toBe(
      `Already remembered as ${shortMemoryId(memory.store, first.id)} (accepted): "Use SQLite". Nothing added.`,
    );
    expect(memory.store.list()).toHaveLength(1);
  });

  it('refuses a path outside the project and writes nothing', async () => {
    const project = await createTemporaryProject();
    const memory = memoryFor();
    const result = await rememberTool.execute(
      { kind: 'fact', title: 'Secrets', body: 'Somewhere.', paths: ['../elsewhere.txt'] },
      project.context({ memory }),
    );
    expect(result).toMatchObject({ ok: false, error: { kind: 'outside-project' } });
    expect(memory.store.list()).toEqual([]);
  });

  it('says so when the session has no memory', async () => {
    const project = await createTemporaryProject();
    const result = await rememberTool.execute(
      { kind: 'fact', title: 'A', body: 'B' },
      project.context(),
    );
    expect(result).toMatchObject({ ok: false, error: { kind: 'io-error' } });
  });

  it('validates its arguments: a kind from the list, a title and a body', async () => {
    expect(
      rememberTool.inputSchema.safeParse({ kind: 'idea', title: 'A', body: 'B' }).success,
    ).toBe(false);
    const project = await createTemporaryProject();
    const memory = memoryFor();
    const result = await rememberTool.execute(
      { kind: 'fact', title: ' ', body: 'B' },
      project.context({ memory }),
    );
    // The store's own validation answers (the fixture's message; the real store's is similar).
    expect(result).toEqual({
      ok: false,
      error: {
        kind: 'invalid-arguments',
        message: 'memory record refused: a memory record needs a title',
      },
    });
    expect(memory.store.list()).toEqual([]);
  });

  it('never asks for approval, and is not offered to a read-only run', () => {
    expect(decideApproval('ask', rememberTool.access)).toBe('allow');
    expect(
      toolsForPolicy(createMemoryTools({ recall: true }), 'read-only').map((tool) => tool.name),
    ).toEqual(['recall']);
    expect(
      toolsForPolicy(createMemoryTools({ recall: false }), 'ask').map((tool) => tool.name),
    ).toEqual(['remember']);
  });

  it('is offered to the model briefly, in every profile', () => {
    const spec = toToolSpec(rememberTool as unknown as AnyTool);
    expect(rememberTool.description.split(/\s+/).length).toBeLessThanOrEqual(85);
    expect({
      full: spec,
      compact: toolSpecForProfile(spec, 'compact'),
      tiny: toolSpecForProfile(spec, 'tiny'),
    }).toMatchSnapshot();
  });
});
