import { describe, expect, it } from 'vitest';
import { parsePlanReply, planReplySchema } from './plan-reply.js';

const PLAN = {
  subtasks: [
    { goal: 'Find why test_calc.py fails', done: 'the failing line is known' },
    { goal: 'Fix add in calc.py', done: 'python3 test_calc.py passes' },
  ],
};

describe('parsePlanReply', () => {
  it('reads a plain JSON plan', () => {
    expect(parsePlanReply(JSON.stringify(PLAN), 5)).toEqual({ ok: true, ...PLAN });
  });

  it('reads a fenced plan with text around it, thinking and other field names', () => {
    const reply = [
      '<think>two steps</think>Here is the plan:',
      '```json',
      '[{"task": "Find why test_calc.py fails", "done_when": "the failing line is known"},',
      ' {"title": "Fix add in calc.py", "criterion": "python3 test_calc.py passes"}]',
      '```',
      'I will start with the first one.',
    ].join('\n');
    expect(parsePlanReply(reply, 5)).toEqual({ ok: true, ...PLAN });
  });

  it('ignores trailing text after the JSON and collapses whitespace', () => {
    const reply = `${JSON.stringify({
      subtasks: [
        { goal: 'a\n  b', done: 'c' },
        { goal: 'd', done: 'e' },
      ],
    })} Done {?}`;
    expect(parsePlanReply(reply, 5)).toEqual({
      ok: true,
      subtasks: [
        { goal: 'a b', done: 'c' },
        { goal: 'd', done: 'e' },
      ],
    });
  });

  it('cuts a plan longer than the maximum and says so', () => {
    const subtasks = Array.from({ length: 7 }, (_, index) => ({ goal: `g${index}`, done: 'd' }));
    const parsed = parsePlanReply(JSON.stringify({ subtasks }), 4);
    expect(parsed).toMatchObject({
      ok: true,
      note: 'The model planned 7 subtasks; the first 4 are kept.',
    });
    expect(parsed.ok && parsed.subtasks.map((subtask) => subtask.goal)).toEqual([
      'g0',
      'g1',
      'g2',
      'g3',
    ]);
  });

  it.each([
    ['I would start by reading calc.py.', /no JSON in it: "I would start/],
    ['{"subtasks": [{"goal": "a", "done": ', /not valid JSON/],
    ['{"steps": ["a", "b"]}', /the list of subtasks is not a list/],
    ['{"subtasks": []}', /the list of subtasks is empty/],
    [
      '{"subtasks": [{"goal": "a", "done": "b"}, {"goal": "c"}]}',
      /subtask 2 has no done-criterion/,
    ],
    ['{"subtasks": ["read", "fix"]}', /subtask 1 is not an object with a goal/],
    [
      '{"subtasks": [{"goal": "fix add", "done": "tests pass"}]}',
      /one subtask: the task is one step/,
    ],
  ])('gives a reason for an unusable reply: %s', (reply, reason) => {
    const parsed = parsePlanReply(reply, 5);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(reason);
  });

  it('asks a constraining runtime for the same shape', () => {
    const schema = planReplySchema(4);
    expect(schema).toMatchObject({
      required: ['subtasks'],
      properties: { subtasks: { maxItems: 4, items: { required: ['goal', 'done'] } } },
    });
  });
});
