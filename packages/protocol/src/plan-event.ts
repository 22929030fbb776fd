import { z } from 'zod';

/** One subtask of a plan: what to do, and how to tell it is done. */
export const PlanSubtask = z.object({
  /** Unique within its plan (`1`, `2`, …); `plan-updated` and `handoff` events name it. */
  id: z.string().min(1),
  goal: z.string().min(1),
  /** The done-criterion, one checkable sentence. */
  done: z.string().min(1),
});
export type PlanSubtask = z.infer<typeof PlanSubtask>;

/**
 * The plan step (docs/architecture/agent-loop.md, "Planning"): one model call split the user's
 * message into subtasks, each then worked on in its own segment (a `handoff` event starts it).
 * `source` says why a plan was made: the user asked for one (`forced`: `run --plan`, `/plan`),
 * the message looked like several steps (`heuristic`), or the model asked (`model`). With no
 * subtasks, no plan is followed and `reason` says why (an unreadable reply, a failed call, a task
 * the model called one step); with subtasks, `reason` notes what was changed (subtasks cut).
 */
export const PlanEvent = z.object({
  type: z.literal('plan'),
  step: z.number().int().nonnegative(),
  source: z.enum(['forced', 'heuristic', 'model']),
  subtasks: z.array(PlanSubtask),
  reason: z.string().optional(),
});
export type PlanEvent = z.infer<typeof PlanEvent>;
