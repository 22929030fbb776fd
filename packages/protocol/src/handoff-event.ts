import { z } from 'zod';

/**
 * A new segment of the session starts (docs/architecture/agent-loop.md, "Planning"): from here
 * on, a request is the system prompt, then `brief` as the user turn, then this segment's own
 * messages; nothing said before the handoff is sent again. `brief` is exactly the text the model
 * got, so a resumed session sends the same bytes. `role` is who works on it (`coder`: the usual
 * tools); `subtaskId` names the subtask of the latest plan it works on; `reason` is a few words
 * for the user.
 */
export const HandoffEvent = z.object({
  type: z.literal('handoff'),
  step: z.number().int().nonnegative(),
  role: z.enum(['coder']),
  brief: z.string(),
  subtaskId: z.string().min(1).optional(),
  reason: z.string(),
});
export type HandoffEvent = z.infer<typeof HandoffEvent>;
