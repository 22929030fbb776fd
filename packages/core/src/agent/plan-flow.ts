import type {
  HandoffEvent,
  ModelMessage,
  PlanUpdatedEvent,
  SessionEventData,
} from '@outpost/protocol';
import type { RunTotals } from './agent-event.js';
import type { AgentOptions, RunInput } from './agent-options.js';
import { sessionMessages, userTurnContent } from './conversation.js';
import { planSignal } from './plan-heuristic.js';
import {
  currentSubtask,
  isUnfinished,
  nextPendingSubtask,
  planIsOpen,
  planStateOf,
} from './plan-state.js';
import type { PlanState } from './plan-state.js';
import { makePlan } from './plan-step.js';
import { DEFAULT_MAX_SUBTASKS } from './planning-settings.js';
import { answerNote, planSummary, subtaskBrief } from './subtask-brief.js';
import { workPathsOf } from './work-paths.js';

/**
 * What a plan made of the model's answer: the next subtask was handed off (the run goes on), or
 * the plan is finished and its summary is the run's final answer.
 */
export interface PlanAdvance {
  handedOff: boolean;
  finalText: string;
}

/**
 * Planning inside one run of the agent loop (docs/architecture/agent-loop.md, "Planning"): the
 * plan step after a new user message, a `handoff` to each subtask in turn (a new segment whose
 * request is the system prompt and the subtask's brief), `plan-updated` events as subtasks start,
 * finish or stop, and the summary that ends a finished plan. Everything it knows comes from the
 * session's events, so a resumed run carries on where the interrupted one stopped.
 */
export function createPlanFlow(
  options: AgentOptions,
  run: {
    sessionId: string;
    signal: AbortSignal;
    /** Stores events (and announces them). */
    record: (...data: SessionEventData[]) => void;
    totals: RunTotals;
    /** The run's request messages, replaced in place by each new segment. */
    messages: ModelMessage[];
  },
) {
  const { sessionId, record, signal } = run;
  const maxSubtasks = options.planning?.maxSubtasks ?? DEFAULT_MAX_SUBTASKS;
  const events = () => options.sessions.events(sessionId);
  let handedOffAt: number | undefined;

  /** Records `pending`, the subtask's start and its handoff; the run's messages become the new segment. */
  async function handOff(
    plan: PlanState,
    subtaskId: string,
    step: number,
    pending: SessionEventData[],
  ): Promise<void> {
    const history = events();
    const subtask = plan.subtasks.find((item) => item.id === subtaskId);
    if (subtask === undefined) throw new Error(`No subtask ${subtaskId} in the plan.`);
    subtask.status = 'active';
    delete subtask.note;
    // The subtask's own context: the repository map and memory ranked for its goal.
    const context = await options.turnContext?.(
      `${subtask.goal}\n${subtask.done}\n\n${plan.task}`,
      signal,
      { sessionId, workPaths: workPathsOf(history) },
    );
    const started: PlanUpdatedEvent = { type: 'plan-updated', step, subtaskId, status: 'active' };
    const handoff: HandoffEvent = {
      type: 'handoff',
      step,
      role: 'coder',
      brief: userTurnContent(subtaskBrief(plan, subtaskId), context),
      subtaskId,
      reason: `subtask ${plan.subtasks.indexOf(subtask) + 1} of ${plan.subtasks.length}`,
    };
    record(...pending, started, handoff);
    handedOffAt = step;
    run.messages.splice(0, run.messages.length, ...sessionMessages(options.systemPrompt, events()));
  }

  return {
    /**
     * The start of a run. With a new message (already recorded): what is left of an open plan is
     * skipped, and a plan is made when forced or when the heuristic says so; a usable one hands
     * off to its first subtask. Without one (a resume): a subtask the run stopped
     * in becomes active again. Returns the next free step.
     */
    async begin(input: RunInput, step: number): Promise<number> {
      const history = events();
      const open = planStateOf(history);
      if (input.userMessage === undefined) {
        const current = planIsOpen(open) ? currentSubtask(open) : undefined;
        if (current?.status === 'failed') {
          record({ type: 'plan-updated', step, subtaskId: current.id, status: 'active' });
        }
        return step;
      }
      if (planIsOpen(open)) {
        record(
          ...open.subtasks
            .filter((subtask) => isUnfinished(subtask.status))
            .map((subtask): SessionEventData => ({
              type: 'plan-updated',
              step,
              subtaskId: subtask.id,
              status: 'skipped',
              note: 'A new message came before it was finished.',
            })),
        );
      }
      const forced = input.plan === true;
      if (!forced && !(options.planning?.auto === true && planSignal(input.userMessage).plan)) {
        return step;
      }
      options.events.emit({ type: 'plan.started', sessionId, step });
      const [system] = sessionMessages(options.systemPrompt, history);
      const asked = history.findLast((event) => event.data.type === 'user-message')?.data;
      const task =
        asked?.type === 'user-message'
          ? userTurnContent(asked.text, asked.context)
          : input.userMessage;
      const made = await makePlan({
        model: options.model,
        system: system ?? { role: 'system', content: '' },
        task,
        source: forced ? 'forced' : 'heuristic',
        maxSubtasks,
        step,
        signal,
        monotonicNow: options.monotonicNow ?? (() => performance.now()),
      });
      if (made.turn !== undefined) {
        run.totals.steps += 1;
        run.totals.inputTokens += made.turn.usage?.inputTokens ?? 0;
        run.totals.outputTokens += made.turn.usage?.outputTokens ?? 0;
      }
      const first = made.subtasks[0];
      const plan = planStateOf([...history, ...made.events.map((data) => ({ data }))]);
      if (first === undefined || plan === undefined) record(...made.events);
      else await handOff(plan, first.id, step, made.events);
      return step + 1;
    },

    /**
     * The model answered without tool calls (and its changes passed the check). In an open plan,
     * the current subtask is done: the next one is handed off, or the plan's summary is the run's
     * final answer. Undefined when no plan is open.
     */
    async advance(step: number, answer: string): Promise<PlanAdvance | undefined> {
      const plan = planStateOf(events());
      if (!planIsOpen(plan)) return undefined;
      const current = currentSubtask(plan);
      if (current === undefined || !isUnfinished(current.status)) return undefined;
      const note = answerNote(answer);
      const done: SessionEventData = {
        type: 'plan-updated',
        step,
        subtaskId: current.id,
        status: 'done',
        ...(note === '' ? {} : { note }),
      };
      current.status = 'done';
      current.note = note;
      const next = nextPendingSubtask(plan);
      if (next !== undefined) {
        await handOff(plan, next.id, step, [done]);
        return { handedOff: true, finalText: answer };
      }
      record(done);
      return { handedOff: false, finalText: planSummary(plan) };
    },

    /** The run stops in a subtask (not cancelled): it is marked failed, with why. */
    stopped(kind: string, message: string, step: number): void {
      if (kind === 'cancelled') return;
      const plan = planStateOf(events());
      const current = planIsOpen(plan) ? currentSubtask(plan) : undefined;
      if (current?.status !== 'active') return;
      record({
        type: 'plan-updated',
        step,
        subtaskId: current.id,
        status: 'failed',
        note: answerNote(message),
      });
    },

    /** True for the first model call of a segment this run handed off (a new user turn). */
    startsSegment(step: number): boolean {
      return handedOffAt !== undefined && handedOffAt === step - 1;
    },
  };
}

export type PlanFlow = ReturnType<typeof createPlanFlow>;
