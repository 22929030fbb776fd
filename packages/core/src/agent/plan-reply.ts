import type { JsonSchema } from '@outpost/protocol';
import { z } from 'zod';

/** Fewer subtasks than this is no plan: the model says the task is one step. */
export const MIN_SUBTASKS = 2;
/** Longest goal or done-criterion kept, in characters. */
const MAX_TEXT = 300;

const GOAL = 'has no goal';
const DONE = 'has no done-criterion';
const PlannedSubtask = z.object(
  {
    goal: z.string({ error: GOAL }).trim().min(1, GOAL),
    done: z.string({ error: DONE }).trim().min(1, DONE),
  },
  { error: 'is not an object with a goal and a done-criterion' },
);
const PlanReply = z.object({
  subtasks: z.array(PlannedSubtask, { error: 'is not a list' }).min(1, 'is empty'),
});
export type PlannedSubtask = z.infer<typeof PlannedSubtask>;

export type ParsedPlan =
  { ok: true; subtasks: PlannedSubtask[]; note?: string } | { ok: false; reason: string };

/**
 * The reply's JSON schema, sent as `responseFormat` to a runtime that can enforce it, so even a
 * small model writes a plan that parses.
 */
export function planReplySchema(maxSubtasks: number): JsonSchema {
  const text = { type: 'string', minLength: 1, maxLength: MAX_TEXT };
  return {
    type: 'object',
    properties: {
      subtasks: {
        type: 'array',
        minItems: 1,
        maxItems: maxSubtasks,
        items: {
          type: 'object',
          properties: { goal: text, done: text },
          required: ['goal', 'done'],
          additionalProperties: false,
        },
      },
    },
    required: ['subtasks'],
    additionalProperties: false,
  };
}

/**
 * Reads the model's plan tolerantly — thinking tags, a fenced block, text before or after the
 * JSON, a bare list, common other names for the two fields — then validates it. A reply with
 * fewer than `MIN_SUBTASKS` subtasks means the task is one step; more than `maxSubtasks` are cut.
 * Never throws: an unusable reply is a reason, recorded, and the run goes on without a plan.
 */
export function parsePlanReply(text: string, maxSubtasks: number): ParsedPlan {
  const json = jsonCandidate(text.replace(/<think>[\s\S]*?<\/think>/g, ''));
  if (json === undefined) {
    return { ok: false, reason: `The plan reply has no JSON in it: ${excerpt(text)}` };
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, reason: `The plan reply is not valid JSON: ${excerpt(json)}` };
  }
  const parsed = PlanReply.safeParse(normalise(value));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where =
      issue?.path[0] === 'subtasks' && typeof issue.path[1] === 'number'
        ? `subtask ${issue.path[1] + 1}`
        : 'the list of subtasks';
    return { ok: false, reason: `The plan is unusable: ${where} ${issue?.message ?? 'is wrong'}.` };
  }
  const subtasks = parsed.data.subtasks.map((subtask) => ({
    goal: clean(subtask.goal),
    done: clean(subtask.done),
  }));
  if (subtasks.length < MIN_SUBTASKS) {
    return { ok: false, reason: 'The model made a plan of one subtask: the task is one step.' };
  }
  if (subtasks.length <= maxSubtasks) return { ok: true, subtasks };
  return {
    ok: true,
    subtasks: subtasks.slice(0, maxSubtasks),
    note: `The model planned ${subtasks.length} subtasks; the first ${maxSubtasks} are kept.`,
  };
}

/** The JSON text of the reply: a fenced block's content, else the first balanced object or list. */
function jsonCandidate(text: string): string | undefined {
  const fenced = /```[a-zA-Z]*\s*\n([\s\S]*?)```/.exec(text);
  const source = fenced?.[1] ?? text;
  const start = source.search(/[[{]/);
  if (start < 0) return undefined;
  const end = balancedEnd(source, start);
  return source.slice(start, end ?? source.length).trim();
}

/** Index just past the bracket that closes the one at `start`, skipping strings. */
function balancedEnd(text: string, start: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index += 1) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth += 1;
    else if (char === '}' || char === ']') {
      depth -= 1;
      if (depth === 0) return index + 1;
    }
  }
  return undefined;
}

const GOAL_KEYS = ['goal', 'task', 'title', 'description', 'step'];
const DONE_KEYS = ['done', 'done_when', 'doneWhen', 'done-when', 'criterion', 'check'];

/** `[…]` is a list of subtasks; other names for the fields become `goal` and `done`. */
function normalise(value: unknown): unknown {
  const list: unknown = Array.isArray(value) ? value : isRecord(value) ? value.subtasks : undefined;
  if (!Array.isArray(list)) return value;
  return {
    subtasks: (list as unknown[]).map((item): unknown => {
      if (!isRecord(item)) return item;
      return { goal: firstString(item, GOAL_KEYS), done: firstString(item, DONE_KEYS) };
    }),
  };
}

function firstString(item: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = item[key];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clean(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_TEXT ? `${line.slice(0, MAX_TEXT - 1)}…` : line;
}

function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line === '') return '(empty)';
  return JSON.stringify(line.length > 120 ? `${line.slice(0, 119)}…` : line);
}
