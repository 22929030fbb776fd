import type { PlanEvent, PlanUpdatedEvent, SessionEventData } from '@outpost/protocol';

export type SubtaskStatus = 'pending' | PlanUpdatedEvent['status'];

export interface SubtaskState {
  id: string;
  goal: string;
  done: string;
  status: SubtaskStatus;
  /** The last note recorded for it: its answer, cut short, once done; why, when it failed. */
  note?: string;
}

/** The session's latest plan, as its events leave it. */
export interface PlanState {
  step: number;
  source: PlanEvent['source'];
  /** The user message the plan was made for. */
  task: string;
  subtasks: SubtaskState[];
  /** The subtask of the latest handoff, if one was handed off since the plan was made. */
  currentId?: string;
}

/**
 * The latest plan of a session with the statuses its `plan-updated` events gave it, or
 * undefined when the session never made one (a `plan` event without subtasks is no plan). A
 * pure fold over the events, so a resumed run sees what the interrupted one left.
 */
export function planStateOf(events: readonly { data: SessionEventData }[]): PlanState | undefined {
  let task = '';
  let state: PlanState | undefined;
  for (const { data } of events) {
    switch (data.type) {
      case 'user-message':
        task = data.text;
        break;
      case 'plan':
        if (data.subtasks.length === 0) break;
        state = {
          step: data.step,
          source: data.source,
          task,
          subtasks: data.subtasks.map((subtask) => ({ ...subtask, status: 'pending' })),
        };
        break;
      case 'plan-updated': {
        const subtask = state?.subtasks.find((item) => item.id === data.subtaskId);
        if (subtask === undefined) break;
        subtask.status = data.status;
        if (data.note === undefined) delete subtask.note;
        else subtask.note = data.note;
        break;
      }
      case 'handoff':
        if (state !== undefined && data.subtaskId !== undefined) state.currentId = data.subtaskId;
        break;
      default:
        break;
    }
  }
  return state;
}

/** True while some subtask of the plan is not finished (pending, active or failed). */
export function planIsOpen(plan: PlanState | undefined): plan is PlanState {
  return plan?.subtasks.some((subtask) => isUnfinished(subtask.status)) === true;
}

export function isUnfinished(status: SubtaskStatus): boolean {
  return status === 'pending' || status === 'active' || status === 'failed';
}

/** The subtask being worked on: the one handed off last. */
export function currentSubtask(plan: PlanState): SubtaskState | undefined {
  return plan.subtasks.find((subtask) => subtask.id === plan.currentId);
}

/** The first subtask not yet started, in plan order. */
export function nextPendingSubtask(plan: PlanState): SubtaskState | undefined {
  return plan.subtasks.find((subtask) => subtask.status === 'pending');
}
