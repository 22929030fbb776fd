import type { PlanState, SubtaskStatus } from '@outpost/core';
import type { PlanEvent, PlanUpdatedEvent } from '@outpost/protocol';
import { oneLine } from '../text.js';
import type { Style } from './style.js';

/** How a plan and its subtasks look in the terminal, `/plan` and `sessions show`. */

/** The mark before a subtask of each status. */
export function subtaskMark(status: SubtaskStatus, style: Style): string {
  switch (status) {
    case 'pending':
      return style.dim('·');
    case 'active':
      return style.cyan('→');
    case 'done':
      return style.green('✓');
    case 'failed':
      return style.red('✗');
    case 'skipped':
      return style.dim('–');
  }
}

/** The lines of a new plan: a heading, then each subtask with its done-criterion. */
export function planLines(data: PlanEvent, style: Style): string[] {
  if (data.subtasks.length === 0) {
    return [style.dim(`No plan (${data.source}): ${oneLine(data.reason ?? 'none made', 200)}`)];
  }
  const count = data.subtasks.length;
  return [
    `${style.bold('Plan')} (${count} subtasks${data.source === 'forced' ? '' : `, ${data.source}`}):`,
    ...data.subtasks.map(
      (subtask, index) =>
        `  ${index + 1}. ${oneLine(subtask.goal, 160)} ${style.dim(`· done when: ${oneLine(subtask.done, 120)}`)}`,
    ),
    ...(data.reason === undefined ? [] : [style.dim(`  ${data.reason}`)]),
  ];
}

/** One line when a subtask starts, finishes, fails or is skipped. */
export function subtaskLine(
  data: PlanUpdatedEvent,
  plan: PlanEvent | undefined,
  style: Style,
): string {
  const index = plan?.subtasks.findIndex((subtask) => subtask.id === data.subtaskId) ?? -1;
  const goal = plan?.subtasks[index]?.goal;
  const name =
    index < 0 || plan === undefined
      ? `subtask ${data.subtaskId}`
      : `subtask ${index + 1}/${plan.subtasks.length}`;
  const what = goal === undefined ? name : `${name}: ${oneLine(goal, 120)}`;
  const mark = subtaskMark(data.status, style);
  switch (data.status) {
    case 'active':
      return `${mark} ${style.bold(what)}`;
    case 'done':
      return `${mark} ${what}`;
    case 'failed':
      return `${mark} ${what} ${style.dim(`(stopped: ${oneLine(data.note ?? '', 120)})`)}`;
    case 'skipped':
      return style.dim(`${mark} ${what} (skipped)`);
  }
}

/** The session's current plan with every subtask's status (`/plan` with no text). */
export function formatPlanState(plan: PlanState, style: Style): string {
  const done = plan.subtasks.filter((subtask) => subtask.status === 'done').length;
  return [
    `${style.bold('Plan')} for: ${oneLine(plan.task, 100)} (${done} of ${plan.subtasks.length} done)`,
    ...plan.subtasks.map((subtask, index) => {
      const note =
        subtask.note === undefined || subtask.note === ''
          ? ''
          : style.dim(` — ${oneLine(subtask.note, 120)}`);
      return `  ${subtaskMark(subtask.status, style)} ${index + 1}. ${oneLine(subtask.goal, 120)}${note}`;
    }),
  ].join('\n');
}
