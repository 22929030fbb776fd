import { describe, expect, it } from 'vitest';
import { createInMemoryMemoryStore } from '../memory/__fixtures__/in-memory-memory-store.js';
import { shortMemoryId } from '../memory/memory-short-id.js';
import { toolSpecForProfile } from '../prompt/prompt-profile.js';
import { createTemporaryProject } from './__fixtures__/temporary-project.js';
import { recallTool } from './recall.js';
import { toToolSpec } from './tool.js';
import type { AnyTool } from './tool.js';

function seededStore() {
  const store = createInMemoryMemoryStore();
  const dates = store.add({
    kind: 'convention',
    title: 'Dates are stored in UTC',
    body: 'Every timestamp column holds UTC; convert to local time only when printing.',
    paths: ['src/dates.py'],
    status: 'accepted',
  });
  const retired = store.add({
    kind: 'decision',
    title: 'Dates are stored in local time',
    body: 'Superseded.',
    status: 'accepted',
  });
  store.setStatus(retired.id, 'retired');
  store.add({ kind: 'fact', title: 'Dates proposal', body: 'Unreviewed.', status: 'proposed' });
  store.add({
    kind: 'fix',
    title: 'Parser timeout',
    body: 'The parser hung on empty input; it now returns early.',
    paths: ['src/parser.py'],
    status: 'accepted',
  });
  return { store, dates };
}

describe('recall', () => {
  it('shows accepted records only, best first, one line each with an id', async () => {
    const project = await createTemporaryProject();
    const { store, dates } = seededStore();
    const result = await recallTool.execute(
      { query: 'dates timestamps' },
      project.context({
        memory: { store, sessionId: 's', model: 'fake/m', workPaths: () => [] },
      }),
    );
    expect(result.ok && result.output).toBe(
      `1 record, best first:\n[convention ${shortMemoryId(store, dates.id)}] Dates are stored in UTC: Every timestamp column holds UTC; convert to local time only when printing. (src/dates.py)`,
    );
  });

  it('ranks records about the files of the current work higher', async () => {
    const project = await createTemporaryProject();
    const { store } = seededStore();
    const result = await recallTool.execute(
      { query: 'what should I know' },
      project.context({
        memory: { store, sessionId: 's', model: 'fake/m', workPaths: () => ['src/parser.py'] },
      }),
    );
    // Both are about files near the work; the one about the same file comes first.
    expect(result.ok && result.output).toMatch(
      /^2 records, best first:\n\[fix [0-9a-f-]+\] Parser timeout/,
    );
  });

  it('says when nothing matches', async () => {
    const project = await createTemporaryProject();
    const { store } = seededStore();
    const result = await recallTool.execute(
      { query: 'kubernetes' },
      project.context({ memory: { store, sessionId: 's', model: 'fake/m', workPaths: () => [] } }),
    );
    expect(result.ok && result.output).toBe('No accepted memory records match "kubernetes".');
  });

  it('is offered to the model briefly, in every profile', () => {
    const spec = toToolSpec(recallTool as unknown as AnyTool);
    expect(recallTool.description.split(/\s+/).length).toBeLessThanOrEqual(85);
    expect({
      full: spec,
      compact: toolSpecForProfile(spec, 'compact'),
      tiny: toolSpecForProfile(spec, 'tiny'),
    }).toMatchSnapshot();
  });
});
