import { z } from 'zod';

/** One model a `route` event names: the adapter, the model's name, and where it runs. */
const RoutedModel = z.object({
  provider: z.string(),
  model: z.string(),
  /** A server's base URL, or `in-process`. */
  location: z.string(),
});

/**
 * The model router (docs/architecture/models.md, "Router") chose another model for a role: at the
 * first step it routed, when the role changed, when the model in use stopped answering
 * (`unavailable`, the step is sent again to this one), when the conversation outgrew the model's
 * context window (`context`), or when a better model's cool-off after a failure ended. `reason`
 * says why in words, e.g. "coder-7b: largest context among local models (32,768); native tools,
 * 21 tok/s". Recorded only when the choice changes, never on every step.
 */
export const RouteEvent = z.object({
  type: z.literal('route'),
  step: z.number().int().nonnegative(),
  /** The role the model was chosen for: `coder` (the default), `explorer`, `planner`, `reviewer`. */
  role: z.string(),
  ...RoutedModel.shape,
  trigger: z.enum(['first', 'role', 'unavailable', 'context', 'cool-off-ended']),
  reason: z.string(),
  /** The model this run used until now, when it had one (on `unavailable`, `context`, …). */
  fallbackFrom: RoutedModel.optional(),
});
export type RouteEvent = z.infer<typeof RouteEvent>;
