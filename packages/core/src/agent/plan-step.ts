import type {
  LanguageModel,
  ModelMessage,
  PlanEvent,
  PlanSubtask,
  SessionEventData,
} from '@outpost/protocol';
import { readTextAsset } from '../tool/text-asset.js';
import type { ModelTurn } from './model-turn.js';
import { modelCallEvent, streamModelTurn } from './model-turn.js';
import { fitContext } from './context-budget.js';
import { parsePlanReply, planReplySchema } from './plan-reply.js';
import { fillTemplate, section, textSections } from './text-sections.js';

const TEXTS = textSections(readTextAsset(new URL('./planning.md', import.meta.url)));

/** Most tokens a plan reply may take: a plan is short, and a rambling model must not stall. */
export const PLAN_OUTPUT_TOKENS = 1024;

/** The plan step's one user turn (`planning.md`), for a task with its context. */
export function planningRequest(task: string, maxSubtasks: number): string {
  return fillTemplate(section(TEXTS, 'request'), { task, max: String(maxSubtasks) });
}

export interface PlanStepResult {
  /** What to record, in order: the model call (if one was made), then the `plan` event. */
  events: SessionEventData[];
  /** The plan's subtasks; empty when there is no plan to follow (the event says why). */
  subtasks: PlanSubtask[];
  /** The model call, for the run's totals (undefined when none was made). */
  turn?: ModelTurn;
}

/**
 * The plan step: one model call with the system prompt and `planning.md` (no tools, so the reply
 * is the plan), asking for `{ subtasks: [{ goal, done }] }`. A runtime that can constrain output
 * to a JSON schema gets one (`responseFormat`); any reply is parsed tolerantly and validated. A
 * failed call, an unreadable reply or a one-subtask plan gives a `plan` event without subtasks
 * that says why: the run goes on without a plan, never fails for it.
 */
export async function makePlan(options: {
  model: LanguageModel;
  /** The session's system message (the stable prefix). */
  system: ModelMessage;
  /** The user's message as the model saw it: text and context. */
  task: string;
  source: PlanEvent['source'];
  maxSubtasks: number;
  step: number;
  signal: AbortSignal;
  monotonicNow: () => number;
}): Promise<PlanStepResult> {
  const { model, step, source, maxSubtasks } = options;
  const noPlan = (reason: string, events: SessionEventData[] = [], turn?: ModelTurn) => ({
    events: [...events, { type: 'plan' as const, step, source, subtasks: [], reason }],
    subtasks: [],
    ...(turn === undefined ? {} : { turn }),
  });
  const messages: ModelMessage[] = [
    options.system,
    { role: 'user', content: planningRequest(options.task, maxSubtasks) },
  ];
  const fitted = await fitContext({ model, messages, tools: [] });
  if (!fitted.fits) {
    return noPlan('The task and its context are too large to plan within the context window.');
  }
  const turn = await streamModelTurn({
    model,
    request: {
      messages,
      tools: [],
      maxOutputTokens: PLAN_OUTPUT_TOKENS,
      signal: options.signal,
      ...(model.capabilities.jsonSchema
        ? {
            responseFormat: {
              type: 'json-schema' as const,
              name: 'outpost_plan',
              schema: planReplySchema(maxSubtasks),
            },
          }
        : {}),
    },
    onText: () => undefined,
    onReasoning: () => undefined,
    monotonicNow: options.monotonicNow,
  });
  const call = modelCallEvent(model, step, turn);
  if (turn.error) return noPlan(`The plan call failed: ${turn.error.message}`, [call], turn);
  const parsed = parsePlanReply(turn.text, maxSubtasks);
  if (!parsed.ok) return noPlan(parsed.reason, [call], turn);
  const subtasks = parsed.subtasks.map((subtask, index) => ({ id: String(index + 1), ...subtask }));
  const plan: PlanEvent = {
    type: 'plan',
    step,
    source,
    subtasks,
    ...(parsed.note === undefined ? {} : { reason: parsed.note }),
  };
  return { events: [call, plan], subtasks, turn };
}
