import { z } from 'zod';
import { shortMemoryId } from '../memory/memory-short-id.js';
import { memoryLine } from '../memory/memory-line.js';
import { recallContextFor } from '../memory/recall-context.js';
import { memoryUnavailable } from './remember.js';
import { readTextAsset } from './text-asset.js';
import { defineTool, toolError } from './tool.js';

/** Records one recall shows. */
export const RECALL_LIMIT = 5;
/** A longer body is cut (the model can ask a narrower question). */
const BODY_CHARACTERS = 400;

export const RecallInput = z.object({
  query: z.string(),
  paths: z.array(z.string()).optional(),
});
export type RecallInput = z.infer<typeof RecallInput>;

export const recallTool = defineTool({
  name: 'recall',
  description: readTextAsset(new URL('./recall.md', import.meta.url)),
  access: 'read',
  inputSchema: RecallInput,
  describeCall: (input) => `recall ${JSON.stringify(input.query)}`,
  execute(input, context) {
    const memory = context.memory;
    if (memory === undefined) return Promise.resolve(memoryUnavailable());
    if (input.query.trim() === '') {
      return Promise.resolve(
        toolError('invalid-arguments', 'Give recall a query: the words to look for.'),
      );
    }
    const hits = memory.store.recall(input.query, {
      context: recallContextFor(input.query, [...(input.paths ?? []), ...memory.workPaths()]),
      statuses: ['accepted'],
      limit: RECALL_LIMIT,
    });
    // Only accepted records guide work: a proposal is unreviewed, a retired record is wrong.
    const records = hits.map((hit) => hit.record).filter((record) => record.status === 'accepted');
    if (records.length === 0) {
      return Promise.resolve({
        ok: true,
        output: `No accepted memory records match ${JSON.stringify(input.query)}.`,
        summary: '0 records',
      });
    }
    const lines = records.map((record) =>
      memoryLine(record, shortMemoryId(memory.store, record.id), BODY_CHARACTERS),
    );
    const count = `${records.length} record${records.length === 1 ? '' : 's'}`;
    return Promise.resolve({
      ok: true,
      output: `${count}, best first:\n${lines.join('\n')}`,
      summary: count,
    });
  },
});
