import type { SessionEvent, SessionStatus } from '@outpost/protocol';
import type { ToolErrorKind } from '../tool/tool.js';

export interface RunTotals {
  steps: number;
  inputTokens: number;
  outputTokens: number;
}

/**
 * What the agent loop announces while it works, for renderers, `--json` output and (later) sync.
 * Stored events are announced as `session.event-recorded` after their transaction committed.
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
  | {
      type: 'run.finished';
      sessionId: string;
      outcome: Exclude<SessionStatus, 'running'>;
      finalText: string;
      error?: { kind: string; message: string };
      totals: RunTotals;
    };
