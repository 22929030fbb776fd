import { z } from 'zod';

/**
 * The loop guard stepped in (docs/architecture/agent-loop.md): the model repeated a call or an
 * error, made no progress for several steps, or kept failing to edit one file. `note` is exactly
 * the text appended to the result of `toolCallId` (the model saw it), so a replay sends the same
 * bytes. `note` and `strategy` are the first and second warnings, `stop` ends the run (an `error`
 * event of kind `stuck` follows); `rewrite-file` gave the model a file's whole content to write
 * back with write_file, `reread-file` told it to read the exact lines first (the file was too
 * large to rewrite whole).
 */
export const LoopGuardEvent = z.object({
  type: z.literal('loop-guard'),
  step: z.number().int().nonnegative(),
  toolCallId: z.string(),
  action: z.enum(['note', 'strategy', 'stop', 'rewrite-file', 'reread-file']),
  reason: z.enum(['repeated-call', 'repeated-error', 'no-progress', 'failed-edits']),
  /** What happened and what Outpost did, in one sentence for the user. */
  summary: z.string(),
  /** The file whose edits failed (`failed-edits`), relative to the project root. */
  path: z.string().optional(),
  note: z.string(),
});
export type LoopGuardEvent = z.infer<typeof LoopGuardEvent>;
