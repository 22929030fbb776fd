import type { LoopGuardEvent, SessionEvent, SessionStatus } from '@outpost/protocol';
import type { ToolErrorKind } from '../tool/tool.js';

export interface RunTotals {
  steps: number;
  inputTokens: number;
  outputTokens: number;
}

/**
 * What the agent loop announces while it works, for renderers, `--json` output and (later) sync.
 * Stored events are announced as `session.event-recorded` after their transaction committed.
 * The `index.*` events come from whoever keeps the code index for the session (the CLI): they are
 * not stored, and arrive when a turn or a tool first uses the index after it changed.
 */
export type AgentEvent =
  | {
      type: 'run.started';
      sessionId: string;
      provider: string;
      model: string;
      /** True when the run continues a session that already had events. */
      resumed: boolean;
    }
  | { type: 'step.started'; sessionId: string; step: number }
  | { type: 'assistant.text-streamed'; sessionId: string; step: number; text: string }
  | { type: 'assistant.reasoning-streamed'; sessionId: string; step: number; text: string }
  | {
      type: 'tool.call-started';
      sessionId: string;
      step: number;
      toolCallId: string;
      toolName: string;
      /** One line naming the call, e.g. `read_file src/a.ts`. */
      description: string;
    }
  | {
      type: 'tool.call-finished';
      sessionId: string;
      step: number;
      toolCallId: string;
      toolName: string;
      ok: boolean;
      /** A few words for the user. */
      summary: string;
      errorKind?: ToolErrorKind;
    }
  | { type: 'session.event-recorded'; event: SessionEvent }
  /**
   * The loop guard stepped in (`agent/loop-guard.ts`): it warned the model, handed it a file to
   * rewrite, or stopped the run. Announced after the `loop-guard` event was stored.
   */
  | { type: 'guard.intervened'; sessionId: string; intervention: LoopGuardEvent }
  /** The plan step asks the model for a plan (a `plan` event ends it; agent/plan-flow.ts). */
  | { type: 'plan.started'; sessionId: string; step: number }
  /** The end-of-session reflection asks the model what to remember (a `reflection` event ends it). */
  | { type: 'reflection.started'; sessionId: string; step: number }
  /** Outpost runs a check of the model's changes (its result is a recorded `verification` event). */
  | { type: 'verification.started'; sessionId: string; step: number; command: string }
  /** A proposed memory record was accepted (perhaps edited first) or discarded (retired). */
  | {
      type: 'memory.reviewed';
      sessionId: string;
      recordId: string;
      status: 'accepted' | 'retired';
      edited: boolean;
    }
  /** The code index is still being brought up to date while a turn waits for it. */
  | { type: 'index.build-progressed'; done: number; total: number }
  /** The code index was brought up to date: `indexed` files were read again, the rest kept. */
  | {
      type: 'index.updated';
      files: number;
      indexed: number;
      unchanged: number;
      removed: number;
      durationMs: number;
    }
  /** The code index cannot be used this session (search_code searches files; no repository map). */
  | { type: 'index.failed'; message: string }
  /** The index works, without something optional (the embedding model): said once, in words. */
  | { type: 'index.warning'; message: string }
  | {
      type: 'run.finished';
      sessionId: string;
      outcome: Exclude<SessionStatus, 'running'>;
      finalText: string;
      error?: { kind: string; message: string };
      totals: RunTotals;
    };
