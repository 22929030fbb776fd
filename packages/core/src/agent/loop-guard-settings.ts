/**
 * When the loop guard steps in (docs/architecture/agent-loop.md, "Loop guard"). Counts are since
 * the model last made progress (a file changed, or a call gave a result not seen before).
 */
export interface LoopGuardSettings {
  /** `false`: no warnings, no stop, no edit fallback. */
  enabled: boolean;
  /** The same call (tool and arguments) with the same result this many times. */
  repeatedCalls: number;
  /** The same error (kind and message) this many times. */
  repeatedErrors: number;
  /** This many steps in a row without progress. */
  stepsWithoutProgress: number;
  /** Failed edit_file calls (search text not found, or found more than once) on one file. */
  failedEdits: number;
  /** A file up to this many lines is handed back whole, to be rewritten with write_file (0: never). */
  rewriteMaxLines: number;
  /** … and up to this many bytes. */
  rewriteMaxBytes: number;
}

export const DEFAULT_LOOP_GUARD: LoopGuardSettings = {
  enabled: true,
  repeatedCalls: 3,
  repeatedErrors: 3,
  stepsWithoutProgress: 6,
  failedEdits: 2,
  rewriteMaxLines: 300,
  rewriteMaxBytes: 12 * 1024,
};
