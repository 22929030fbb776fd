import { z } from 'zod';

/**
 * A snapshot of the project's working tree on a private git ref (docs/architecture/checkpoints.md).
 * `before-write` is taken before the session's first write or command; `undo` and `redo` are the
 * tree `outpost undo` replaced, saved just before it put the snapshot `restored` back, so an undo
 * can itself be undone. The commit lives in the project's own repository, or in a private one
 * under OUTPOST_HOME for a project outside git (`repository`), on the device that recorded the
 * event. `commit` is null when the snapshot failed (`error` says why); the run went on without.
 */
export const CheckpointEvent = z.object({
  type: z.literal('checkpoint'),
  reason: z.enum(['before-write', 'undo', 'redo']),
  commit: z.string().nullable(),
  ref: z.string().nullable(),
  repository: z.enum(['project', 'outpost']).nullable(),
  /** Files in the snapshot (ignored files never are). */
  files: z.number().int().nonnegative(),
  /** Files left out of the snapshot (too large or unreadable); undo leaves them as they are. */
  leftOut: z.array(z.string()),
  /** The tool call a `before-write` checkpoint was taken for. */
  toolCallId: z.string().optional(),
  /** `undo` and `redo`: the snapshot put back, and how many files that wrote and deleted. */
  restored: z
    .object({
      commit: z.string(),
      written: z.number().int().nonnegative(),
      deleted: z.number().int().nonnegative(),
    })
    .optional(),
  error: z.string().optional(),
});
export type CheckpointEvent = z.infer<typeof CheckpointEvent>;
