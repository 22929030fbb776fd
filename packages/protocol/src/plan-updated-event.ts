import { z } from 'zod';

/**
 * A subtask of the session's latest plan changed status (`plan` event): `active` when its segment
 * starts, `done` when the model answered it (its answer, cut short, is the `note` later subtasks
 * see), `failed` when the run stopped in it (the note says why; resuming makes it active again),
 * `skipped` when a new user message came before it was finished.
 */
export const PlanUpdatedEvent = z.object({
  type: z.literal('plan-updated'),
  step: z.number().int().nonnegative(),
  subtaskId: z.string().min(1),
  status: z.enum(['active', 'done', 'skipped', 'failed']),
  note: z.string().optional(),
});
export type PlanUpdatedEvent = z.infer<typeof PlanUpdatedEvent>;
