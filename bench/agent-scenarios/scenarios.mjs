// Scripted trajectories that reproduce failure modes of small local models. Each `model` is a
// policy: given the request the agent sent, it answers the way a weak model does — it reads the
// conversation only as far as such a model would (the last message, mostly) and reacts to plain
// words in it ("failed", "same call", "whole file"), never to Outpost's internals. A scenario
// succeeds when the project's own test passes at the end, whatever the agent said.
import { reply } from '../../packages/test-kit/dist/index.js';

const CALC = 'def add(a, b):\n    return a - b\n\n\ndef sub(a, b):\n    return a - b\n';
const FIXED = CALC.replace('def add(a, b):\n    return a - b', 'def add(a, b):\n    return a + b');
const TEST =
  'from calc import add, sub\n' +
  'assert add(2, 3) == 5, "add(2, 3) is %r, not 5" % add(2, 3)\n' +
  'assert sub(5, 3) == 2\n' +
  'print("ok")\n';

/** The files every scenario starts from: a bug in `add`, and a test that shows it. */
export const PROJECT = { 'calc.py': CALC, 'test_calc.py': TEST };
export const TASK = 'test_calc.py fails. Fix the bug in calc.py.';
export const TEST_COMMAND = 'python3 test_calc.py';

const last = (request) => request.messages.at(-1);
const lastText = (request) => String(last(request)?.content ?? '');
const toolMessages = (request) => request.messages.filter((message) => message.role === 'tool');
const said = (request, pattern) => pattern.test(lastText(request));
/** The last message is a user turn other than the task itself (feedback from the agent). */
const toldByAgent = (request) =>
  last(request)?.role === 'user' &&
  request.messages.filter((message) => message.role === 'user').length > 1;
/** Has any message so far (tool results and user turns) said this? */
const everSaid = (request, pattern) =>
  request.messages.some(
    (message) =>
      (message.role === 'tool' || message.role === 'user') && pattern.test(String(message.content)),
  );
const calls = (request, name) =>
  request.messages
    .filter((message) => message.role === 'assistant')
    .flatMap((message) => message.toolCalls)
    .filter((call) => call.name === name);

/**
 * The plan every scenario's model makes when Outpost asks for one (`planning.md`: the plan step
 * sends no tools and asks for `{"subtasks": [...]}`): the bug-fix task in two subtasks.
 */
const PLAN = {
  subtasks: [
    { goal: 'Find why test_calc.py fails', done: 'the failing line is known' },
    { goal: 'Fix add in calc.py', done: `${TEST_COMMAND} passes` },
  ],
};
const isPlanningRequest = (request) =>
  request.tools.length === 0 && last(request)?.role === 'user' && said(request, /"subtasks"/);
/** Wraps a policy so that it answers a planning request with `PLAN`, and anything else as before. */
const answersPlanning = (policy) => (request) =>
  isPlanningRequest(request) ? reply().text(JSON.stringify(PLAN)) : policy(request);

const correctEdit = () =>
  reply().toolCall('edit_file', {
    path: 'calc.py',
    search: 'def add(a, b):\n    return a - b',
    replace: 'def add(a, b):\n    return a + b',
  });

export const scenarios = [
  {
    name: 'claims-success',
    failureMode: 'edits, then claims success without running the failing test',
    helpedBy: ['verify'],
    model(request) {
      // Once told plainly that the test fails, it looks at the test's message and fixes add.
      if (toldByAgent(request) && said(request, /fail/i)) {
        return reply().toolCall('edit_file', {
          path: 'calc.py',
          search: 'def add(a, b):\n    return a * b',
          replace: 'def add(a, b):\n    return a + b',
        });
      }
      if (calls(request, 'read_file').length === 0) {
        return reply().toolCall('read_file', { path: 'calc.py' });
      }
      if (calls(request, 'edit_file').length === 0) {
        return reply().toolCall('edit_file', {
          path: 'calc.py',
          search: 'def add(a, b):\n    return a - b',
          replace: 'def add(a, b):\n    return a * b',
        });
      }
      return reply().text('Fixed add in calc.py. The test passes now.');
    },
  },
  {
    name: 'wrong-path',
    failureMode: 'guesses a path that does not exist',
    helpedBy: [],
    model(request) {
      const reads = calls(request, 'read_file');
      if (reads.length === 0) return reply().toolCall('read_file', { path: 'src/calc.py' });
      if (reads.length === 1) {
        // It only finds the file when the error names it.
        if (said(request, /calc\.py/) && said(request, /not found|does not exist|no such/i)) {
          return reply().toolCall('read_file', { path: 'calc.py' });
        }
        return reply().text('calc.py does not exist in this project.');
      }
      if (calls(request, 'edit_file').length === 0) return correctEdit();
      return reply().text('Fixed add.');
    },
  },
  {
    name: 'malformed-call',
    failureMode: 'writes tool arguments that are not valid JSON',
    helpedBy: [],
    model(request) {
      if (calls(request, 'read_file').length === 0) {
        return reply().toolCall('read_file', { path: 'calc.py' });
      }
      const edits = calls(request, 'edit_file');
      if (edits.length === 0) {
        return reply().rawToolCall(
          'edit_file',
          '{"path": "calc.py", "search": "return a - b", replace: a + b}',
        );
      }
      if (edits.length === 1 && said(request, /JSON|invalid/i)) return correctEdit();
      return reply().text('Fixed add.');
    },
  },
  {
    name: 'repeats-call',
    failureMode: 'calls the same tool with the same arguments again and again',
    helpedBy: ['loopGuard'],
    model(request) {
      // It keeps re-reading until something tells it plainly that it is repeating itself.
      if (calls(request, 'edit_file').length > 0) return reply().text('Fixed add.');
      if (
        everSaid(
          request,
          /same (call|arguments|result)|repeat|again and again|times? (in a row|already)/i,
        )
      ) {
        return correctEdit();
      }
      return reply().toolCall('read_file', { path: 'calc.py' });
    },
  },
  {
    name: 'failed-edits',
    failureMode:
      'edits with search text it remembers wrongly (names it never read), again and again',
    helpedBy: ['editFallback'],
    model(request) {
      if (calls(request, 'write_file').length > 0)
        return reply().text('Rewrote calc.py; add is fixed.');
      // Shown the whole file and told to write it whole, it does.
      if (said(request, /write_file/) && said(request, /whole|entire|full/i)) {
        return reply().toolCall('write_file', { path: 'calc.py', content: FIXED });
      }
      if (calls(request, 'read_file').length === 0) {
        return reply().toolCall('read_file', { path: 'calc.py' });
      }
      return reply().toolCall('edit_file', {
        path: 'calc.py',
        search: 'def add(x, y):\n    return x - y',
        replace: 'def add(x, y):\n    return x + y',
      });
    },
  },
  {
    name: 'same-error',
    failureMode: 'runs a command that cannot work, and keeps running it',
    helpedBy: ['loopGuard'],
    model(request) {
      const runs = calls(request, 'run_command');
      const triedRight = runs.some((call) => JSON.parse(call.arguments).command === TEST_COMMAND);
      if (calls(request, 'edit_file').length > 0) {
        return triedRight
          ? reply().text('Fixed add; the test passes.')
          : reply().toolCall('run_command', { command: TEST_COMMAND });
      }
      if (triedRight) return correctEdit();
      if (everSaid(request, /same (error|result)|repeat|again and again|different/i)) {
        return reply().toolCall('run_command', { command: TEST_COMMAND });
      }
      return reply().toolCall('run_command', { command: 'pytest-runner test_calc.py' });
    },
  },
  {
    name: 'gives-up-early',
    failureMode: 'sees the failing test and gives up without trying',
    helpedBy: ['planning'],
    model(request) {
      if (calls(request, 'edit_file').length > 0) return reply().text('Fixed add.');
      // Given one concrete piece of work that starts with "fix" and says when it is done, it
      // does that piece instead of judging the whole task.
      const lastUser = request.messages.filter((message) => message.role === 'user').at(-1);
      if (/\bfix\b[^\n]*\n[^\n]*\bdone when\b/i.test(String(lastUser?.content ?? ''))) {
        return correctEdit();
      }
      if (toolMessages(request).length === 0) {
        return reply().toolCall('run_command', { command: TEST_COMMAND });
      }
      return reply().text(
        'The test fails with an assertion error. I could not find a way to fix it.',
      );
    },
  },
];

// Every policy answers a planning request the same way; the rest of each is unchanged.
for (const scenario of scenarios) scenario.model = answersPlanning(scenario.model);
