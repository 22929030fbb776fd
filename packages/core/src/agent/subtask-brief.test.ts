import { describe, expect, it } from 'vitest';
import type { PlanState } from './plan-state.js';
import { planningRequest } from './plan-step.js';
import { answerNote, NOTE_CHARACTERS, planSummary, subtaskBrief } from './subtask-brief.js';

const plan = (): PlanState => ({
  step: 0,
  source: 'forced',
  task: 'test_calc.py fails. Fix the bug in calc.py and add a test for sub.',
  currentId: '2',
  subtasks: [
    {
      id: '1',
      goal: 'Find why test_calc.py fails',
      done: 'the failing line is known',
      status: 'done',
      note: 'add() in calc.py subtracts: it returns a - b.',
    },
    {
      id: '2',
      goal: 'Fix add in calc.py',
      done: 'python3 test_calc.py passes',
      status: 'active',
    },
    { id: '3', goal: 'Add a test for sub', done: 'test_calc.py checks sub', status: 'pending' },
  ],
});

describe('plan texts (planning.md, subtask-brief.md)', () => {
  it('asks for a plan of the task as JSON', () => {
    expect(
      planningRequest('Fix the bug in calc.py.\n\n<context>\nTime: now\n</context>', 5),
    ).toMatchSnapshot();
  });

  it('briefs a subtask with the task, the plan, the finished notes, and its goal', () => {
    expect(subtaskBrief(plan(), '2')).toMatchSnapshot();
  });

  it('briefs the first subtask without a notes section', () => {
    const first = plan();
    for (const subtask of first.subtasks) {
      subtask.status = subtask.id === '1' ? 'active' : 'pending';
      delete subtask.note;
    }
    const brief = subtaskBrief(first, '1');
    expect(brief).not.toContain('What the finished subtasks found');
    expect(brief).toContain('Your subtask now (1 of 3): Find why test_calc.py fails');
    expect(brief).toMatchSnapshot();
  });

  it('sums up a finished plan, one line per subtask', () => {
    const finished = plan();
    for (const subtask of finished.subtasks) subtask.status = 'done';
    expect(planSummary(finished)).toMatchSnapshot();
  });

  it('keeps one line of an answer as its note', () => {
    expect(answerNote('  Fixed add.\n\nThe test passes.  ')).toBe('Fixed add. The test passes.');
    const long = answerNote('x'.repeat(1000));
    expect(long).toHaveLength(NOTE_CHARACTERS);
    expect(long.endsWith('…')).toBe(true);
  });
});
