import { z } from 'zod';
import { HlcTimestamp } from './hybrid-logical-clock-timestamp.js';

/**
 * Record kinds this version understands. Each kind has one merge rule (DESIGN §3.5):
 * `session`, `memory`, `task` and `setting` fields are last-writer-wins (a task's `status` ranks by epoch
 * first); a `session-event` is an immutable member of a grow-only set. An op may carry a kind not
 * listed here (written by a newer client): it is kept and forwarded.
 */
export const RecordKind = z.enum(['session', 'session-event', 'memory', 'task', 'setting']);
export type RecordKind = z.infer<typeof RecordKind>;

/** Every record lives in one space: `device:<id>` never leaves the device, `user:` and `team:` sync. */
export const SpaceId = z
  .string()
  .regex(/^(device|user|team):[A-Za-z0-9._/-]+$/, 'expected a space like user:<id>');
export type SpaceId = z.infer<typeof SpaceId>;

/** Names an op by `(hlc, device)`, which no two ops share: the winner a writer saw. */
export const OpRef = z.strictObject({
  hlc: HlcTimestamp,
  device: z.string().min(1),
});
export type OpRef = z.infer<typeof OpRef>;

/**
 * One change: the op log is the source of truth, and the tables are what replaying it produces.
 * Identity is `(device, seq)`; order for last-writer-wins is `(hlc, device)`.
 */
export const Op = z.object({
  device: z.string().min(1),
  seq: z.number().int().positive(),
  hlc: HlcTimestamp,
  space: SpaceId,
  /** One of `RecordKind` for this version; any other kind is kept but not materialised. */
  kind: z.string().min(1),
  record: z.string().min(1),
  /** The field a last-writer-wins op sets; `$event` for a grow-only set member. */
  field: z.string().min(1),
  value: z.unknown(),
  /**
   * The ops of the same field the writer's store showed as current when it wrote: the winner and
   * any concurrent alternative (docs/architecture/sync.md, "Conflicts"). `[]` for a first write;
   * absent on fields that are never flagged and on ops written before bases existed, which count
   * as having seen every earlier op of their field.
   */
  base: z.array(OpRef).optional(),
});
export type Op = z.infer<typeof Op>;
