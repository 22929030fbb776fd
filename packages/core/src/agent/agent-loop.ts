import type {
  LanguageModel,
  ModelMessage,
  SessionEvent,
  SessionEventData,
  SessionFields,
  SessionStatus,
  ToolCall,
} from '@outpost/protocol';
import type { ApprovalPolicy } from '../config/outpost-config.js';
import type { EventBus } from '../events/event-bus.js';
import { toolSpecForProfile } from '../prompt/prompt-profile.js';
import type { PromptProfile } from '../prompt/prompt-profile.js';
import type { ProjectRules } from '../prompt/project-rules.js';
import { toToolSpec } from '../tool/tool.js';
import type { AnyTool, CodeSearch, ToolMemory, ToolResult } from '../tool/tool.js';
import type { AgentEvent, RunTotals } from './agent-event.js';
import type { ApprovalPrompt } from './approval-policy.js';
import {
  countRequestTokens,
  elideToolOutputs,
  outputReserve,
  planCompaction,
} from './context-budget.js';
import { nextStep, projectRulesOf, sessionMessages, userTurnContent } from './conversation.js';
import { assistantEvent, modelCallEvent, streamModelTurn } from './model-turn.js';
import { changedCodeSinceReflection, reflectOnSession } from './reflection.js';
import type { ReflectionResult } from './reflection.js';
import { prepareToolCall, runToolCall, toolResultText } from './tool-call-execution.js';
import { workPathsOf } from './work-paths.js';

/** The slice of the session store the loop needs. */
export interface SessionRecorder {
  appendEvent(sessionId: string, data: SessionEventData): SessionEvent;
  /** Several events in one transaction (one disk sync per step instead of one per event). */
  appendEvents(sessionId: string, data: readonly SessionEventData[]): SessionEvent[];
  update(sessionId: string, fields: Partial<SessionFields>): unknown;
  events(sessionId: string): SessionEvent[];
}

export interface AgentOptions {
  model: LanguageModel;
  /** The tools offered to the model, in a stable order (the prompt prefix depends on it). */
  tools: AnyTool[];
  sessions: SessionRecorder;
  events: EventBus<AgentEvent>;
  approval: { policy: ApprovalPolicy; prompt: ApprovalPrompt };
  /** Absolute, symlink-resolved project root. */
  projectRoot: string;
  systemPrompt: string;
  /** Most model calls one run may make. */
  maxSteps: number;
  /**
   * The first model call after a new user message must call a tool (`toolChoice: 'required'`).
   * Small models tend to answer a coding task from imagination without reading a file; the CLI
   * sets this where the tool protocol can enforce it (constrained decoding).
   */
  requireToolCallFirst?: boolean;
  /** How much wording tools get (default `full`); fixed for the agent, so the prefix is stable. */
  promptProfile?: PromptProfile;
  /**
   * Loads the project's rules (AGENTS.md and similar) the first time a session runs; the text is
   * recorded and reused for the rest of the session.
   */
  loadProjectRules?: (projectRoot: string) => ProjectRules;
  /**
   * The volatile context appended to each new user message (time, git status, the repository
   * map and the project memory relevant to the message and the current work). Recorded with the
   * message, so a replay sends the same bytes. `signal` is the run's: a context that waits (for
   * the code index) stops waiting when it aborts.
   */
  turnContext?: (
    userMessage: string,
    signal: AbortSignal,
    work: TurnWork,
  ) => Promise<string | undefined>;
  /** The project's code index, offered to tools (search_code). */
  codeSearch?: CodeSearch;
  /**
   * The project memory, offered to tools (remember proposes records, recall searches) and asked
   * for proposals by `reflect`. Without it those tools answer that there is no memory.
   */
  memory?: ToolMemory['store'];
  monotonicNow?: () => number;
}

/** What a turn's context may know of the session besides the message. */
export interface TurnWork {
  sessionId: string;
  /** Files the session has read or changed so far, most recent first (`workPathsOf`). */
  workPaths: readonly string[];
}

export interface RunInput {
  sessionId: string;
  /** A new user message; without one the run continues the session where it stopped. */
  userMessage?: string;
  signal?: AbortSignal;
}

export type RunOutcome = Exclude<SessionStatus, 'running'>;

export interface RunResult {
  outcome: RunOutcome;
  /** The model's last complete answer in this run ('' when it never gave one). */
  finalText: string;
  error?: { kind: string; message: string };
  totals: RunTotals;
}

export interface Agent {
  run(input: RunInput): Promise<RunResult>;
  /**
   * The end-of-session reflection (`agent/reflection.ts`): when files changed since the session
   * last reflected, one model call with the session's prefix asks for `remember` calls, which
   * become `proposed` records. Skipped (no call) without memory, a remember tool or a change.
   */
  reflect(input: { sessionId: string; signal?: AbortSignal }): Promise<ReflectionResult>;
}

/**
 * The ReAct loop (docs/architecture/agent-loop.md): ask the model, run the tools it calls,
 * append the results, and repeat until it answers without tool calls, the step limit is reached,
 * the model call fails, or the run is cancelled. Every event is stored before it is announced,
 * so whatever happens, the session in the store is complete up to that point.
 */
export function createAgent(options: AgentOptions): Agent {
  const { model, sessions, events, approval, projectRoot, systemPrompt, maxSteps } = options;
  const monotonicNow = options.monotonicNow ?? (() => performance.now());
  const toolsByName = new Map(options.tools.map((tool) => [tool.name, tool]));
  const profile = options.promptProfile ?? 'full';
  const toolSpecs = options.tools.map((tool) => toolSpecForProfile(toToolSpec(tool), profile));
  const modelName = `${model.provider}/${model.modelId}`;

  const requestMessages = (history: readonly SessionEvent[]): ModelMessage[] =>
    sessionMessages(systemPrompt, history);

  const toolMemory = (sessionId: string): ToolMemory | undefined =>
    options.memory === undefined
      ? undefined
      : {
          store: options.memory,
          sessionId,
          model: modelName,
          workPaths: () => workPathsOf(sessions.events(sessionId)),
        };

  const recorder =
    (sessionId: string) =>
    (...data: SessionEventData[]): void => {
      for (const event of sessions.appendEvents(sessionId, data)) {
        events.emit({ type: 'session.event-recorded', event });
      }
    };

  async function reflect(input: {
    sessionId: string;
    signal?: AbortSignal;
  }): Promise<ReflectionResult> {
    const { sessionId } = input;
    const memory = toolMemory(sessionId);
    const remember = toolsByName.get('remember');
    if (memory === undefined || remember === undefined) {
      return { proposed: [], dropped: [], skipped: 'no-memory' };
    }
    const history = sessions.events(sessionId);
    if (!changedCodeSinceReflection(history)) {
      return { proposed: [], dropped: [], skipped: 'no-changes' };
    }
    const step = nextStep(history);
    events.emit({ type: 'reflection.started', sessionId, step });
    return reflectOnSession({
      model,
      messages: requestMessages(history),
      tools: toolSpecs,
      remember,
      memory,
      projectRoot,
      step,
      signal: input.signal ?? new AbortController().signal,
      record: recorder(sessionId),
      monotonicNow,
    });
  }

  /**
   * Something unexpected (a full disk, a bug) must not leave the session looking `running`
   * forever: record what happened, mark it failed, then let the error go on to the caller.
   */
  async function run(input: RunInput): Promise<RunResult> {
    try {
      return await runSteps(input);
    } catch (error) {
      try {
        const message = `Outpost stopped on an unexpected error: ${(error as Error).message}`;
        sessions.appendEvent(input.sessionId, { type: 'error', kind: 'internal', message });
        sessions.update(input.sessionId, { status: 'failed' });
      } catch {
        // The store itself is failing; the original error says more than this one would.
      }
      throw error;
    }
  }

  async function runSteps(input: RunInput): Promise<RunResult> {
    const { sessionId } = input;
    const signal = input.signal ?? new AbortController().signal;
    let history = sessions.events(sessionId);
    const resumed = history.length > 0;
    if (projectRulesOf(history) === undefined && options.loadProjectRules) {
      const loaded = options.loadProjectRules(projectRoot);
      sessions.appendEvent(sessionId, { type: 'project-rules', ...loaded });
      history = sessions.events(sessionId);
    }
    const messages = requestMessages(history);
    let step = nextStep(history);
    const totals: RunTotals = { steps: 0, inputTokens: 0, outputTokens: 0 };
    let finalText = '';

    const record = recorder(sessionId);
    const memory = toolMemory(sessionId);
    const finish = (outcome: RunOutcome, error?: { kind: string; message: string }): RunResult => {
      sessions.update(sessionId, { status: outcome });
      const result: RunResult = { outcome, finalText, totals, ...(error ? { error } : {}) };
      events.emit({ type: 'run.finished', sessionId, ...result });
      return result;
    };
    const stop = (
      kind: 'cancelled' | 'step-limit' | 'model' | 'context',
      message: string,
    ): RunResult => {
      record({ type: 'error', kind, message, step });
      const outcome = kind === 'model' || kind === 'context' ? 'failed' : kind;
      return finish(outcome, { kind, message });
    };

    sessions.update(sessionId, { status: 'running' });
    events.emit({
      type: 'run.started',
      sessionId,
      provider: model.provider,
      model: model.modelId,
      resumed,
    });
    if (input.userMessage !== undefined) {
      const context = await options.turnContext?.(input.userMessage, signal, {
        sessionId,
        workPaths: workPathsOf(history),
      });
      record({
        type: 'user-message',
        text: input.userMessage,
        ...(context === undefined ? {} : { context }),
      });
      messages.push({ role: 'user', content: userTurnContent(input.userMessage, context) });
    }
    const last = messages.at(-1);
    if (last?.role === 'assistant' && last.toolCalls.length === 0) {
      // Nothing to continue: the model already answered the last message.
      finalText = last.content;
      return finish('completed');
    }

    for (;;) {
      if (signal.aborted) return stop('cancelled', 'Cancelled by the user.');
      if (totals.steps >= maxSteps) {
        return stop(
          'step-limit',
          `Stopped after ${maxSteps} model calls without a final answer (the step limit). ` +
            `Resume the session to let it go on, or raise --max-steps.`,
        );
      }
      const overflow = await fitContext(step);
      if (overflow !== undefined) return stop('context', overflow);
      events.emit({ type: 'step.started', sessionId, step });
      const mustCallTool =
        options.requireToolCallFirst === true &&
        input.userMessage !== undefined &&
        totals.steps === 0 &&
        toolSpecs.length > 0;
      const turn = await streamModelTurn({
        model,
        request: {
          messages,
          tools: toolSpecs,
          signal,
          ...(mustCallTool ? { toolChoice: 'required' as const } : {}),
        },
        onText: (text) => events.emit({ type: 'assistant.text-streamed', sessionId, step, text }),
        onReasoning: (text) =>
          events.emit({ type: 'assistant.reasoning-streamed', sessionId, step, text }),
        monotonicNow,
      });
      totals.steps += 1;
      totals.inputTokens += turn.usage?.inputTokens ?? 0;
      totals.outputTokens += turn.usage?.outputTokens ?? 0;
      if (turn.error) {
        const partial = turn.text !== '' || turn.reasoning !== '';
        record(
          modelCallEvent(model, step, turn),
          ...(partial ? [assistantEvent(step, turn, true)] : []),
        );
        if (turn.error.kind === 'cancelled') return stop('cancelled', 'Cancelled by the user.');
        return stop(turn.error.kind === 'context' ? 'context' : 'model', turn.error.message);
      }

      // What one model call produced is stored in one transaction.
      record(
        modelCallEvent(model, step, turn),
        assistantEvent(step, turn, false),
        ...turn.toolCalls.map((call): SessionEventData => ({
          type: 'tool-call',
          step,
          toolCallId: call.id,
          toolName: call.name,
          arguments: call.arguments,
        })),
      );
      messages.push({ role: 'assistant', content: turn.text, toolCalls: turn.toolCalls });
      if (turn.toolCalls.length === 0) {
        finalText = turn.text;
        return finish('completed');
      }

      for (const call of turn.toolCalls) {
        const result = await executeCall(call, step, signal);
        messages.push({
          role: 'tool',
          toolCallId: call.id,
          toolName: call.name,
          content: toolResultText(result),
        });
      }
      step += 1;
    }

    /**
     * Context truth (DESIGN §3.1): counts the whole request before sending it. When it would not
     * fit the model's real window, old tool outputs are elided (and the elision recorded); when
     * even that is not enough, the run stops with a message instead of sending a prompt the
     * server would silently cut. Returns that message, or undefined when the request fits.
     */
    async function fitContext(currentStep: number): Promise<string | undefined> {
      const contextWindow = await model.contextWindow();
      if (contextWindow === undefined) return undefined;
      const budget = contextWindow - outputReserve(contextWindow);
      const tokensBefore = await countRequestTokens(model, messages, toolSpecs);
      if (tokensBefore <= budget) return undefined;
      const plan = await planCompaction({ model, messages, tools: toolSpecs, budget });
      if (!plan.fits) {
        return (
          `The conversation needs about ${plan.tokensAfter.toLocaleString('en-US')} tokens, more than the ` +
          `${budget.toLocaleString('en-US')} that fit the model's ${contextWindow.toLocaleString('en-US')}-token ` +
          `context window (keeping room for the reply), even with old tool outputs left out. ` +
          'Load the model with a larger context (--context-size for a GGUF run in-process), or start a new session with a shorter request.'
        );
      }
      elideToolOutputs(messages, plan.elidedToolCallIds);
      record({
        type: 'context-compacted',
        step: currentStep,
        contextWindow,
        tokensBefore,
        tokensAfter: plan.tokensAfter,
        elidedToolCallIds: plan.elidedToolCallIds,
      });
      return undefined;
    }

    async function executeCall(
      call: ToolCall,
      callStep: number,
      callSignal: AbortSignal,
    ): Promise<ToolResult> {
      const prepared = prepareToolCall(call, toolsByName);
      events.emit({
        type: 'tool.call-started',
        sessionId,
        step: callStep,
        toolCallId: call.id,
        toolName: call.name,
        description: prepared.description,
      });
      const toolStarted = monotonicNow();
      const result = await runToolCall({
        prepared,
        policy: approval.policy,
        approve: approval.prompt,
        context: {
          projectRoot,
          signal: callSignal,
          toolCallId: call.id,
          ...(options.codeSearch ? { codeSearch: options.codeSearch } : {}),
          ...(memory === undefined ? {} : { memory }),
        },
      });
      record(...(result.effects ?? []).map((effect) => ({ ...effect, toolCallId: call.id })), {
        type: 'tool-result',
        step: callStep,
        toolCallId: call.id,
        toolName: call.name,
        ok: result.ok,
        output: toolResultText(result),
        ...(result.ok ? {} : { errorKind: result.error.kind }),
        durationMs: Math.round((monotonicNow() - toolStarted) * 10) / 10,
      });
      events.emit({
        type: 'tool.call-finished',
        sessionId,
        step: callStep,
        toolCallId: call.id,
        toolName: call.name,
        ok: result.ok,
        summary: result.ok ? result.summary : result.error.message,
        ...(result.ok ? {} : { errorKind: result.error.kind }),
      });
      return result;
    }
  }

  return { run, reflect };
}
