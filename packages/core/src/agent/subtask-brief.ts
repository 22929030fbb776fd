import { readTextAsset } from '../tool/text-asset.js';
import type { PlanState, SubtaskStatus } from './plan-state.js';
import { fillTemplate, section, textSections } from './text-sections.js';

const TEXTS = textSections(readTextAsset(new URL('./subtask-brief.md', import.meta.url)));

/** Longest note kept of a finished subtask's answer, in characters. */
export const NOTE_CHARACTERS = 240;

/**
 * The user turn that starts a subtask's segment (`subtask-brief.md`): the overall task, the plan
 * with each subtask's status, one-line notes of the finished ones, then the current subtask's
 * goal and done-criterion. Only what the subtask needs: none of the earlier segments' messages.
 */
export function subtaskBrief(plan: PlanState, subtaskId: string): string {
  const index = plan.subtasks.findIndex((subtask) => subtask.id === subtaskId);
  const subtask = plan.subtasks[index];
  if (subtask === undefined) throw new Error(`No subtask ${subtaskId} in the plan.`);
  const notes = plan.subtasks
    .map((item, position) => ({ item, position }))
    .filter(({ item }) => item.status === 'done' && item.note !== undefined && item.note !== '')
    .map(({ item, position }) => `${position + 1}. ${item.note ?? ''}`);
  return fillTemplate(section(TEXTS, 'brief'), {
    task: plan.task.trim(),
    plan: plan.subtasks
      .map((item, position) => `${position + 1}. [${statusWord(item.status)}] ${item.goal}`)
      .join('\n'),
    finished:
      notes.length === 0
        ? ''
        : `\n${fillTemplate(section(TEXTS, 'finished'), { notes: notes.join('\n') })}\n`,
    number: String(index + 1),
    count: String(plan.subtasks.length),
    goal: subtask.goal,
    done: subtask.done,
  });
}

/** The final answer of a run that finished its plan: one line per subtask with its note. */
export function planSummary(plan: PlanState): string {
  const marks: Record<SubtaskStatus, string> = {
    pending: '·',
    active: '→',
    done: '✓',
    failed: '✗',
    skipped: '–',
  };
  const lines = plan.subtasks.map((subtask, position) => {
    const note = subtask.note === undefined || subtask.note === '' ? '' : ` — ${subtask.note}`;
    return `${marks[subtask.status]} ${position + 1}. ${subtask.goal}${note}`;
  });
  return fillTemplate(section(TEXTS, 'summary'), {
    count: String(plan.subtasks.length),
    lines: lines.join('\n'),
  });
}

/** A subtask's answer as the note later subtasks see: one line, cut short. */
export function answerNote(answer: string): string {
  const line = answer.replace(/\s+/g, ' ').trim();
  return line.length > NOTE_CHARACTERS ? `${line.slice(0, NOTE_CHARACTERS - 1)}…` : line;
}

function statusWord(status: SubtaskStatus): string {
  return section(TEXTS, status);
}
