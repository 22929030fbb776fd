import { z } from 'zod';
import {
  checkLinks,
  describeIssues,
  normalizeBody,
  RecordLinks,
  RecordTitle,
  type LinkTargets,
} from '../memory/memory-validation.js';
import { TaskError } from './task-error.js';
import {
  isTerminalState,
  TASK_PRIORITIES,
  type TaskLink,
  type TaskStatus,
  type TaskTransition,
} from './task-types.js';

/** What a task may hold. A body past the limit is refused, never cut. */
export const TASK_LIMITS = {
  bodyCharacters: 8_000,
  labels: 20,
  labelCharacters: 40,
} as const;

export interface ValidTaskDraft {
  title: string;
  body: string;
  priority: number;
  labels: string[];
  links: TaskLink[];
}

export type ValidTaskPatch = Partial<ValidTaskDraft>;

const count = (value: number) => value.toLocaleString('en-US');
const characters = (value: string) => [...value].length;

const Body = z
  .string({ error: 'the body must be text' })
  .transform(normalizeBody)
  .pipe(
    z
      .string()
      .refine((value) => !/[^\P{Cc}\n\t]/u.test(value), {
        error: 'the body contains control characters (only line breaks and tabs are allowed)',
      })
      .refine((value) => characters(value) <= TASK_LIMITS.bodyCharacters, {
        error: (issue) =>
          `the body is ${count(characters(issue.input as string))} characters, over the limit ` +
          `of ${count(TASK_LIMITS.bodyCharacters)} (shorten it or split the task)`,
      }),
  );

const priorityProblem =
  `the priority must be a whole number from ${TASK_PRIORITIES.highest} (most urgent) ` +
  `to ${TASK_PRIORITIES.lowest}`;
const Priority = z
  .number({ error: priorityProblem })
  .int({ error: priorityProblem })
  .min(TASK_PRIORITIES.highest, { error: priorityProblem })
  .max(TASK_PRIORITIES.lowest, { error: priorityProblem });

const Label = z
  .string({ error: 'each label must be text' })
  .transform((value) => value.trim())
  .superRefine((value, context) => {
    const problem =
      value === ''
        ? 'a label is empty'
        : /[\s,`]|\p{Cc}/u.test(value)
          ? `label ${JSON.stringify(value)} contains a space, comma or backtick (a label is one word like bug or ui)`
          : characters(value) > TASK_LIMITS.labelCharacters
            ? `label ${JSON.stringify(value)} is longer than ${TASK_LIMITS.labelCharacters} characters`
            : undefined;
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
  });

const Labels = z
  .array(Label, { error: 'labels must be a list of words' })
  .transform((labels) => [...new Set(labels)])
  .refine((labels) => labels.length <= TASK_LIMITS.labels, {
    error: `a task has at most ${TASK_LIMITS.labels} labels`,
  });

const TaskPatchInput = z.strictObject(
  {
    title: RecordTitle.optional(),
    body: Body.optional(),
    priority: Priority.optional(),
    labels: Labels.optional(),
    links: RecordLinks.optional(),
  },
  { error: 'a task must be an object' },
);

const TaskDraftInput = TaskPatchInput.extend({ title: RecordTitle });

function parse<T>(schema: z.ZodType<T>, input: unknown, targets: LinkTargets): T {
  // With the input in each issue, a wrong value is told apart from a missing one.
  const parsed = schema.safeParse(input, { reportInput: true });
  if (parsed.success) return parsed.data;
  // Links that are well formed are checked too, so one message lists every problem.
  const problems = describeIssues(parsed.error);
  const links = RecordLinks.safeParse((input as { links?: unknown } | null)?.links);
  if (links.success) checkLinks(links.data, targets, problems);
  throw new TaskError(problems, { cause: parsed.error });
}

function withCheckedLinks<T extends { links?: TaskLink[] | undefined }>(
  value: T,
  targets: LinkTargets,
): T {
  if (value.links === undefined) return value;
  const problems: string[] = [];
  const links = checkLinks(value.links, targets, problems);
  if (problems.length > 0) throw new TaskError(problems);
  return { ...value, links };
}

/** Validates a new task; throws a `TaskError` listing every problem. */
export function validateTaskDraft(input: unknown, targets: LinkTargets): ValidTaskDraft {
  const {
    title,
    body = '',
    priority = TASK_PRIORITIES.default,
    labels = [],
    links = [],
  } = parse(TaskDraftInput, input, targets);
  return withCheckedLinks({ title, body, priority, labels, links }, targets);
}

/** Validates a change to a task; an empty change is refused. */
export function validateTaskPatch(input: unknown, targets: LinkTargets): ValidTaskPatch {
  const parsed = parse(TaskPatchInput, input, targets);
  const patch: ValidTaskPatch = {};
  for (const [field, value] of Object.entries(parsed)) {
    if (value !== undefined) Object.assign(patch, { [field]: value });
  }
  if (Object.keys(patch).length === 0) {
    throw new TaskError([
      'nothing to change (give at least one of title, body, priority, labels, links)',
    ]);
  }
  return withCheckedLinks(patch, targets);
}

const describeState = (status: TaskStatus) => status.state.replace('_', ' ');

/**
 * The status a transition leads to from `current`: the same status when it is already there
 * (nothing to write), or the problem that forbids it. A done or failed task changes only by
 * `reopen`, which starts the next epoch.
 */
export function planTransition(
  current: TaskStatus,
  transition: TaskTransition,
): { status: TaskStatus } | { problem: string } {
  const terminal = isTerminalState(current.state);
  if (transition === 'reopen') {
    return terminal
      ? { status: { state: 'queued', epoch: current.epoch + 1 } }
      : {
          problem: `it is ${describeState(current)}, not done or failed: there is nothing to reopen`,
        };
  }
  const target = (
    { start: 'in_progress', block: 'blocked', done: 'done', fail: 'failed' } as const
  )[transition];
  if (current.state === target) return { status: current };
  if (terminal) return { problem: `it is ${describeState(current)}; reopen it first` };
  return { status: { state: target, epoch: current.epoch } };
}
