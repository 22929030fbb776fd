import type { ModelMessage, SessionEvent, SessionEventData, ToolCall } from '@outpost/protocol';
import { createCheckpointGate } from '../checkpoint/checkpoint-gate.js';
import { toolSpecForProfile } from '../prompt/prompt-profile.js';
import { toToolSpec } from '../tool/tool.js';
import type { ToolMemory, ToolResult } from '../tool/tool.js';
import type { RunTotals } from './agent-event.js';
import type { Agent, AgentOptions, RunInput, RunOutcome, RunResult } from './agent-options.js';
import { fitContext } from './context-budget.js';
import { nextStep, projectRulesOf, sessionMessages, userTurnContent } from './conversation.js';
import { createLoopGuard } from './loop-guard.js';
import { createPlanFlow } from './plan-flow.js';
import { assistantEvent, modelCallEvent, streamModelTurn } from './model-turn.js';
import { changedCodeSinceReflection, reflectOnSession } from './reflection.js';
import type { ReflectionResult } from './reflection.js';
import { createModelRoute, reflectionModel } from './routed-turn.js';
import { prepareToolCall, runToolCall, toolResultText } from './tool-call-execution.js';
import { hasUncheckedChanges, verifyChanges } from './verification.js';
import { workPathsOf } from './work-paths.js';

export type {
  Agent,
  AgentOptions,
  RunInput,
  RunOutcome,
  RunResult,
  SessionRecorder,
  TurnWork,
} from './agent-options.js';

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
      model: reflectionModel(options.router, model),
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

    const loopGuard = createLoopGuard({
      settings: options.loopGuard,
      history,
      projectRoot,
      toolNames: new Set(toolsByName.keys()),
      model,
    });
    const recordEvents = recorder(sessionId);
    const record = (...data: SessionEventData[]): void => {
      recordEvents(...data);
      loopGuard.observe(...data);
    };
    const memory = toolMemory(sessionId);
    const route = createModelRoute({ ...options, role: input.role, history, record });
    const checkpoints = createCheckpointGate({
      take: options.checkpoint,
      sessionId,
      policy: approval.policy,
      history,
      record,
    });
    const plans = createPlanFlow(options, { sessionId, signal, record, totals, messages });
    const finish = (outcome: RunOutcome, error?: { kind: string; message: string }): RunResult => {
      sessions.update(sessionId, { status: outcome });
      const result: RunResult = { outcome, finalText, totals, ...(error ? { error } : {}) };
      events.emit({ type: 'run.finished', sessionId, ...result });
      return result;
    };
    const stop = (
      kind: 'cancelled' | 'step-limit' | 'model' | 'context' | 'verification' | 'stuck',
      message: string,
    ): RunResult => {
      record({ type: 'error', kind, message, step });
      plans.stopped(kind, message, step);
      const outcome =
        kind === 'cancelled' || kind === 'step-limit' || kind === 'stuck' ? kind : 'failed';
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
    const firstStep = step; // the run's first model call (a retry on another model keeps it)
    step = await plans.begin(input, step);
    const last = messages.at(-1);
    if (last?.role === 'assistant' && last.toolCalls.length === 0) {
      // Nothing to continue: the model already answered the last message (a plan may go on).
      const planned = await plans.advance(step, last.content);
      finalText = planned?.finalText ?? last.content;
      if (planned?.handedOff !== true) return finish('completed');
      step += 1;
    }

    for (;;) {
      if (signal.aborted) return stop('cancelled', 'Cancelled by the user.');
      const stuck = loopGuard.stopMessage(sessionId);
      if (stuck !== undefined) return stop('stuck', stuck);
      if (totals.steps >= maxSteps) {
        return stop(
          'step-limit',
          `Stopped after ${maxSteps} model calls without a final answer (the step limit). ` +
            `Resume the session to let it go on, or raise --max-steps.`,
        );
      }
      const routed = route.modelFor(step);
      if (!routed.ok) return stop('model', routed.message);
      const { model } = routed; // this step's model: the router's pick, or the agent's one
      const fitted = await fitContext({ model, messages, tools: toolSpecs });
      if (!fitted.fits && route.afterContextMiss(step, fitted.tokensNeeded)) continue;
      if (!fitted.fits) return stop('context', fitted.message);
      if (fitted.compaction) record({ type: 'context-compacted', step, ...fitted.compaction });
      events.emit({ type: 'step.started', sessionId, step });
      const mustCallTool =
        routed.requireToolCallFirst &&
        ((input.userMessage !== undefined && step === firstStep) || plans.startsSegment(step)) &&
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
        const fallback = route.afterFailure(step, turn);
        if (fallback.retry) continue;
        return stop(turn.error.kind === 'context' ? 'context' : 'model', fallback.message);
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
        const checked = await checkBeforeAnswer(step, signal);
        const planned = checked === undefined ? await plans.advance(step, turn.text) : undefined;
        finalText = planned?.finalText ?? finalText;
        if (checked === 'go-on' || planned?.handedOff === true) {
          step += 1;
          continue;
        }
        return checked ?? finish('completed');
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
     * Reflection on the code (issue 8): before an answer is accepted, changes made since the last
     * check are verified (`agent/verification.ts`). A failure goes back to the model as the next
     * user turn (`go-on`); when the rounds are used up the run stops failed; otherwise undefined.
     */
    async function checkBeforeAnswer(
      currentStep: number,
      currentSignal: AbortSignal,
    ): Promise<'go-on' | RunResult | undefined> {
      const settings = options.verification;
      if (settings === undefined || settings.commands.length === 0) return undefined;
      const history = sessions.events(sessionId);
      if (!hasUncheckedChanges(history)) return undefined;
      const checked = await verifyChanges({
        settings,
        history,
        projectRoot,
        step: currentStep,
        signal: currentSignal,
        approval,
        onStart: (check) =>
          events.emit({
            type: 'verification.started',
            sessionId,
            step: currentStep,
            command: check.command,
          }),
      });
      record(...checked.events);
      if (currentSignal.aborted) return stop('cancelled', 'Cancelled by the user.');
      const { failure } = checked;
      if (failure === undefined) return undefined;
      messages.push({ role: 'user', content: failure.feedback });
      if (!failure.exhausted) return 'go-on';
      return stop(
        'verification',
        `The model answered, but \`${failure.command}\` still fails after ${settings.rounds} ` +
          `round${settings.rounds === 1 ? '' : 's'} of fixes. The changes are on disk; resume the ` +
          `session to let the model go on (outpost sessions resume ${sessionId.slice(0, 8)}).`,
      );
    }

    async function executeCall(
      call: ToolCall,
      callStep: number,
      callSignal: AbortSignal,
    ): Promise<ToolResult> {
      const prepared = prepareToolCall(call, toolsByName);
      const prompt = approval.prompt;
      const approve = await checkpoints.approvalFor({ prepared, toolCallId: call.id, prompt });
      events.emit({
        type: 'tool.call-started',
        sessionId,
        step: callStep,
        toolCallId: call.id,
        toolName: call.name,
        description: prepared.description,
      });
      const toolStarted = monotonicNow();
      const ran = await runToolCall({
        prepared,
        policy: approval.policy,
        approve,
        context: {
          projectRoot,
          signal: callSignal,
          toolCallId: call.id,
          ...(options.codeSearch ? { codeSearch: options.codeSearch } : {}),
          ...(memory === undefined ? {} : { memory }),
        },
      });
      const { result, interventions } = await loopGuard.review({
        step: callStep,
        call,
        result: ran,
      });
      const effects = (result.effects ?? []).map((effect) => ({ ...effect, toolCallId: call.id }));
      record(...effects, ...interventions, {
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
        ok: ran.ok,
        summary: ran.ok ? ran.summary : ran.error.message,
        ...(ran.ok ? {} : { errorKind: ran.error.kind }),
      });
      for (const intervention of interventions) {
        events.emit({ type: 'guard.intervened', sessionId, intervention });
      }
      return result;
    }
  }

  return { run, reflect };
}
