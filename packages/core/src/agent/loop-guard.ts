import type {
  LanguageModel,
  LoopGuardEvent,
  SessionEvent,
  SessionEventData,
  ToolCall,
} from '@outpost/protocol';
import type { ToolResult } from '../tool/tool.js';
import { outputReserve } from './context-budget.js';
import { editFallback } from './edit-fallback.js';
import { appendNotes, loopGuardStateOf, observeLoopGuard } from './loop-guard-state.js';
import type { LoopGuardState } from './loop-guard-state.js';
import { DEFAULT_LOOP_GUARD } from './loop-guard-settings.js';
import type { LoopGuardSettings } from './loop-guard-settings.js';
import { loopGuardNote, loopGuardSummary } from './loop-guard-text.js';
import type { LoopGuardLevel, LoopTrigger } from './loop-guard-text.js';
import { toolResultText } from './tool-call-execution.js';

export interface LoopGuardReview {
  /** The result as the model is shown it: the tool's, with the guard's notes appended. */
  result: ToolResult;
  /** To record just before the tool result (`loop-guard` events), and announce. */
  interventions: LoopGuardEvent[];
}

/** The loop guard of one run (docs/architecture/agent-loop.md, "Loop guard"). */
export interface LoopGuard {
  /** Every event the run records, in order: the guard's state is derived from them alone. */
  observe(...data: SessionEventData[]): void;
  /** Judges a tool result before it is recorded; may append notes to it. */
  review(input: { step: number; call: ToolCall; result: ToolResult }): Promise<LoopGuardReview>;
  /** After the guard stopped the run: the message for the user (the `stuck` error). */
  stopMessage(sessionId: string): string | undefined;
}

export interface LoopGuardOptions {
  settings?: Partial<LoopGuardSettings>;
  /** The session's events so far: a resumed run judges exactly as the interrupted one would. */
  history: readonly SessionEvent[];
  projectRoot: string;
  /** The names of the tools offered to the model (its advice names only those). */
  toolNames: ReadonlySet<string>;
  /** Counts tokens and knows the context window, to keep a whole-file rewrite within it. */
  model: Pick<LanguageModel, 'contextWindow' | 'countTokens'>;
}

/** JSON escaping makes a file longer inside write_file's arguments; kept as a margin. */
const REWRITE_TOKEN_FACTOR = 1.25;
const REWRITE_TOKEN_MARGIN = 64;

/**
 * Watches the run for a model going in circles: the same call with the same result, the same
 * error, or steps without progress. It warns twice, appending a plain note and then a firmer
 * one with a concrete alternative to the offending tool result, and the third time stops the
 * run. Separately, when edit_file keeps failing on one file, it hands the model the file to
 * rewrite whole (or, for a large file, tells it to read the exact lines first).
 */
export function createLoopGuard(options: LoopGuardOptions): LoopGuard {
  const settings: LoopGuardSettings = { ...DEFAULT_LOOP_GUARD, ...options.settings };
  const { toolNames, model } = options;
  const canChangeFiles = toolNames.has('edit_file') || toolNames.has('write_file');
  let state = loopGuardStateOf(options.history);

  const fitsReply = async (content: string): Promise<boolean> => {
    const contextWindow = await model.contextWindow();
    if (contextWindow === undefined) return true; // the line and byte limits alone
    const tokens = await model.countTokens(content);
    return tokens * REWRITE_TOKEN_FACTOR + REWRITE_TOKEN_MARGIN <= outputReserve(contextWindow);
  };

  return {
    observe(...data) {
      state = data.reduce(observeLoopGuard, state);
    },

    async review({ step, call, result }) {
      if (!settings.enabled) return { result, interventions: [] };
      const after = [
        ...(result.effects ?? []).map((effect) => ({ ...effect, toolCallId: call.id })),
        toolResultEvent(step, call, result),
      ].reduce(observeLoopGuard, state);
      const last = after.last;
      if (last === undefined) return { result, interventions: [] };
      const base = { type: 'loop-guard' as const, step, toolCallId: call.id };
      const interventions: LoopGuardEvent[] = [];

      const failedEdit = last.failedEdit;
      if (failedEdit !== undefined && failedEdit.failures >= settings.failedEdits) {
        const fallback = await editFallback({
          projectRoot: options.projectRoot,
          path: failedEdit.path,
          failures: failedEdit.failures,
          given: after.fallbacks.get(failedEdit.path),
          settings,
          canWriteFiles: toolNames.has('write_file'),
          fitsReply,
        });
        if (fallback !== undefined) {
          interventions.push({
            ...base,
            reason: 'failed-edits',
            path: failedEdit.path,
            ...fallback,
          });
        }
      }

      const trigger = loopTrigger(after, settings);
      if (trigger !== undefined && after.warnedStep !== step) {
        const level = levelAfter(after.warnings);
        interventions.push({
          ...base,
          action: level,
          reason: trigger.reason,
          summary: loopGuardSummary(level, trigger),
          note: loopGuardNote(level, trigger, { canChangeFiles }),
        });
      }
      return { result: withNotes(result, interventions), interventions };
    },

    stopMessage(sessionId) {
      if (state.stop === undefined) return undefined;
      return (
        `${state.stop.summary}. The model is going in circles; resume the session with a hint of ` +
        `what to do next (outpost sessions resume ${sessionId.slice(0, 8)} "<hint>"), or try a larger model.`
      );
    },
  };
}

/** What repeated often enough to step in for, if anything: the most specific reason first. */
export function loopTrigger(
  state: LoopGuardState,
  settings: LoopGuardSettings,
): LoopTrigger | undefined {
  const last = state.last;
  if (last === undefined || last.progress) return undefined;
  if (last.repeats >= settings.repeatedCalls) {
    return {
      reason: 'repeated-call',
      count: last.repeats,
      toolName: last.toolName,
      arguments: last.arguments,
      ok: last.ok,
    };
  }
  if (last.errors >= settings.repeatedErrors) {
    return {
      reason: 'repeated-error',
      count: last.errors,
      toolName: last.toolName,
      errorKind: last.errorKind ?? 'error',
    };
  }
  if (last.closedIdleStep && state.idleSteps >= settings.stepsWithoutProgress) {
    return { reason: 'no-progress', count: state.idleSteps };
  }
  return undefined;
}

/** The first warning is a note, the second a change of strategy, the third stops the run. */
function levelAfter(warnings: number): LoopGuardLevel {
  return warnings === 0 ? 'note' : warnings === 1 ? 'strategy' : 'stop';
}

function toolResultEvent(step: number, call: ToolCall, result: ToolResult): SessionEventData {
  return {
    type: 'tool-result',
    step,
    toolCallId: call.id,
    toolName: call.name,
    ok: result.ok,
    output: toolResultText(result),
    ...(result.ok ? {} : { errorKind: result.error.kind }),
  };
}

/** The result with the notes after its text, so `toolResultText` shows `appendNotes`' text. */
function withNotes(result: ToolResult, interventions: readonly LoopGuardEvent[]): ToolResult {
  if (interventions.length === 0) return result;
  const notes = interventions.map((intervention) => intervention.note);
  return result.ok
    ? { ...result, output: appendNotes(result.output, notes) }
    : { ...result, error: { ...result.error, message: appendNotes(result.error.message, notes) } };
}
