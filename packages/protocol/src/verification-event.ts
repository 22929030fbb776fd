import { z } from 'zod';

/**
 * Outpost checked the model's changes itself before accepting its answer (issue 8, reflection):
 * it ran the project's test command (and type-check and lint when configured), or reused the
 * model's own run of the same command after its last change. A failed check's `feedback` is the
 * exact text the model got as the next user turn; a resumed session sends it again.
 */
export const VerificationEvent = z.object({
  type: z.literal('verification'),
  step: z.number().int().nonnegative(),
  kind: z.enum(['typecheck', 'lint', 'test']),
  command: z.string(),
  /** Where the command came from: `config`, or the project file it was detected from. */
  source: z.string(),
  /**
   * `passed`/`failed` by exit code (a timeout fails); `unavailable` when the shell could not find
   * or start the command, the test runner is not installed, or pytest collected no tests;
   * `not-approved` when the approval policy or the user refused it.
   */
  outcome: z.enum(['passed', 'failed', 'unavailable', 'not-approved']),
  /** True when the model's own run of the command after its last change was used. */
  reused: z.boolean(),
  exitCode: z.number().int().nullable(),
  timedOut: z.boolean(),
  durationMs: z.number().nonnegative(),
  /** Failed checks: which one of the run's allowed rounds this was (1-based), and how many. */
  round: z.number().int().positive(),
  rounds: z.number().int().nonnegative(),
  /** The compact failure summary (empty unless failed). */
  summary: z.string(),
  feedback: z.string().optional(),
});
export type VerificationEvent = z.infer<typeof VerificationEvent>;
