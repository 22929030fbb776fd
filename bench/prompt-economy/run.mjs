#!/usr/bin/env node
// bench/prompt-economy: what Outpost's prompts cost, measured on the built CLI.
//
// Runs `packages/cli/bin/outpost.js` against the recording fake OpenAI-compatible server (and the
// real fixture GGUF in-process) on scripted scenarios, counts every request with gpt-tokenizer
// (o200k, over the JSON request body, as ../shared/bench/README.md measured other agents), and
// prints a table next to the targets of issue 4. `--json` prints the figures; `--compare FILE`
// compares with a baseline written by `--json`; `--runs N` sets the timing repetitions.
//
//   npm run build && node bench/prompt-economy/run.mjs [--json] [--compare baseline.json] [--runs 11]
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { fixtureModelPath, reply, startFakeLlmServer } from '../../packages/test-kit/dist/index.js';
import { formatReport } from './report.mjs';

const binary = fileURLToPath(new URL('../../packages/cli/bin/outpost.js', import.meta.url));
const { values: flags } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    compare: { type: 'string' },
    runs: { type: 'string', default: '11' },
  },
});
const runs = Number(flags.runs);

const TARGETS = {
  firstRequestTokens: { limit: 1500, better: 'lower' },
  fourStepTotalTokens: { limit: 7000, better: 'lower' },
  prefixReuseMinPercent: { limit: 98, better: 'higher' },
  startupMedianMs: { limit: 300, better: 'lower' },
  laterStartupMedianMs: { limit: 300, better: 'lower' },
  versionMedianMs: { limit: 150, better: 'lower' },
  harnessOverheadMedianMs: { limit: 5, better: 'lower' },
};

function createProject() {
  const base = mkdtempSync(join(tmpdir(), 'outpost-bench-'));
  const root = join(base, 'project');
  execFileSync('mkdir', ['-p', root]);
  writeFileSync(join(root, 'calc.py'), 'def add(a, b):\n    return a - b\n');
  writeFileSync(
    join(root, 'test_calc.py'),
    'from calc import add\nassert add(2, 3) == 5, "add(2, 3) should be 5"\nprint("1 passed")\n',
  );
  execFileSync('git', ['init', '-q'], { cwd: root });
  execFileSync('git', ['add', '.'], { cwd: root });
  execFileSync('git', ['-c', 'user.email=b@b', '-c', 'user.name=b', 'commit', '-qm', 'init'], {
    cwd: root,
  });
  return {
    root,
    home: join(base, 'home'),
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

/** Runs the CLI without blocking this process (the fake server lives here). */
function runCli(args, { cwd, env }) {
  const started = performance.now();
  const child = spawn(process.execPath, [binary, ...args], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) =>
    child.on('close', (code) =>
      resolve({ code, stdout, stderr, started, ended: performance.now() }),
    ),
  );
}

/** A fake server whose replies are scripted and whose chat requests are timed on arrival. */
async function recordingServer(replies) {
  const server = await startFakeLlmServer({ contextWindow: 32_768 });
  const arrivals = [];
  const queue = [...replies];
  // Each reply goes out as one chunk, so the time between requests is Outpost's, not the fake's.
  server.respond(() => {
    arrivals.push(performance.now());
    return (queue.shift() ?? reply().text('Done.')).chunkSize(Infinity);
  });
  return { server, arrivals };
}

const bodyTokens = (body) => countTokens(JSON.stringify(body));
/** The prompt in the order a chat template lays it out: tools, then messages. */
const rendered = (body) =>
  [
    JSON.stringify(body.tools ?? []),
    ...body.messages.map((message) => JSON.stringify(message)),
  ].join('\n');
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function scripted(replies, task, extraArgs = []) {
  const project = createProject();
  const { server, arrivals } = await recordingServer(replies);
  try {
    const result = await runCli(['run', '--approval', 'full-auto', ...extraArgs, task], {
      cwd: project.root,
      env: {
        OUTPOST_HOME: project.home,
        OUTPOST_BASE_URL: server.baseUrl,
        OUTPOST_MODEL: 'fake-model',
      },
    });
    if (result.code !== 0) throw new Error(`outpost run failed (${result.code}): ${result.stderr}`);
    const shown = await runCli(['sessions', 'list', '--json', '--limit', '1'], {
      cwd: project.root,
      env: { OUTPOST_HOME: project.home },
    });
    const sessionId = JSON.parse(shown.stdout.trim().split('\n')[0]).id;
    const detail = await runCli(['sessions', 'show', sessionId, '--json'], {
      cwd: project.root,
      env: { OUTPOST_HOME: project.home },
    });
    return {
      bodies: server.chatRequests.map((request) => request.body),
      arrivals,
      result,
      events: JSON.parse(detail.stdout).events.map((event) => event.data),
    };
  } finally {
    await server.close();
    project.cleanup();
  }
}

const TASK = 'fix the failing test in test_calc.py';

async function firstRequest() {
  const profiles = {};
  for (const profile of ['full', 'compact', 'tiny']) {
    const { bodies } = await scripted([reply().text('Done.')], TASK, ['--prompt-profile', profile]);
    const body = bodies[0];
    profiles[profile] = {
      tokens: bodyTokens(body),
      system: countTokens(body.messages[0].content),
      tools: countTokens(JSON.stringify(body.tools)),
      user: countTokens(body.messages[1].content),
    };
  }
  return profiles;
}

async function fourStepFix() {
  const { bodies } = await scripted(
    [
      reply().toolCall('read_file', { path: 'calc.py' }),
      reply().toolCall('edit_file', {
        path: 'calc.py',
        search: 'return a - b',
        replace: 'return a + b',
      }),
      reply().toolCall('run_command', { command: 'python3 test_calc.py' }),
      reply().text('Fixed: add() subtracted; it now adds, and test_calc.py passes.'),
    ],
    TASK,
  );
  // The fix changed code, so a fifth request follows: the end-of-session reflection (project
  // memory), counted apart from the task's four.
  const perRequest = bodies.slice(0, 4).map(bodyTokens);
  const reflectionTokens = bodies[4] === undefined ? undefined : bodyTokens(bodies[4]);
  return {
    perRequest,
    total: perRequest.reduce((sum, tokens) => sum + tokens, 0),
    reflectionTokens,
  };
}

async function tenTurnSession() {
  const { bodies, arrivals, events } = await scripted(
    [
      reply().toolCall('list_files', {}),
      reply().toolCall('read_file', { path: 'calc.py' }),
      reply().toolCall('search_code', { pattern: 'add' }),
      reply().toolCall('read_file', { path: 'test_calc.py' }),
      reply().toolCall('edit_file', {
        path: 'calc.py',
        search: 'return a - b',
        replace: 'return a + b',
      }),
      reply().toolCall('run_command', { command: 'python3 test_calc.py' }),
      reply().toolCall('read_file', { path: 'calc.py' }),
      reply().toolCall('search_code', { pattern: 'return' }),
      reply().toolCall('run_command', { command: 'git diff --stat' }),
      reply().text('Fixed and checked.'),
    ],
    TASK,
  );
  const reuse = [];
  for (let index = 1; index < bodies.length; index++) {
    const previous = rendered(bodies[index - 1]);
    const next = rendered(bodies[index]);
    let common = 0;
    while (common < previous.length && previous[common] === next[common]) common++;
    reuse.push((countTokens(previous.slice(0, common)) / countTokens(previous)) * 100);
  }
  // Harness overhead of a step: from one request's arrival at the server to the next, less the
  // model call as the client timed it (request to end of stream) and the tool's own time.
  const toolMs = events
    .filter((event) => event.type === 'tool-result')
    .map((event) => event.durationMs ?? 0);
  const modelMs = events
    .filter((event) => event.type === 'model-call')
    .map((event) => event.durationMs);
  const overhead = [];
  for (let index = 1; index < arrivals.length; index++) {
    overhead.push(
      arrivals[index] - arrivals[index - 1] - (modelMs[index - 1] ?? 0) - (toolMs[index - 1] ?? 0),
    );
  }
  return {
    requests: bodies.length,
    prefixReusePercent: reuse,
    overheadMs: overhead,
    toolMs,
    modelMs,
  };
}

async function startup() {
  const times = [];
  const laterTimes = [];
  for (let run = 0; run < runs; run++) {
    const project = createProject();
    const { server, arrivals } = await recordingServer([
      reply().text('Done.'),
      reply().text('Done.'),
    ]);
    try {
      const result = await runCli(['run', '--approval', 'full-auto', TASK], {
        cwd: project.root,
        env: {
          OUTPOST_HOME: project.home,
          OUTPOST_BASE_URL: server.baseUrl,
          OUTPOST_MODEL: 'fake-model',
        },
      });
      if (result.code !== 0) throw new Error(result.stderr);
      times.push(arrivals[0] - result.started);
      // A second session in the same project: its code index exists and only needs a check.
      const again = await runCli(['run', '--approval', 'full-auto', TASK], {
        cwd: project.root,
        env: {
          OUTPOST_HOME: project.home,
          OUTPOST_BASE_URL: server.baseUrl,
          OUTPOST_MODEL: 'fake-model',
        },
      });
      if (again.code !== 0) throw new Error(again.stderr);
      laterTimes.push(arrivals[1] - again.started);
    } finally {
      await server.close();
      project.cleanup();
    }
  }
  const versions = [];
  for (let run = 0; run < runs; run++) {
    const result = await runCli(['--version'], { cwd: tmpdir(), env: {} });
    versions.push(result.ended - result.started);
  }
  return { startupMs: times, laterStartupMs: laterTimes, versionMs: versions };
}

async function embedded() {
  const project = createProject();
  const env = { OUTPOST_HOME: project.home };
  const modelCalls = (stdout) =>
    stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter(
        (event) =>
          event.type === 'session.event-recorded' && event.event.data.type === 'model-call',
      )
      .map((event) => event.event.data);
  try {
    const first = await runCli(
      [
        'run',
        '--model',
        fixtureModelPath(),
        '--context-size',
        '4096',
        '--approval',
        'read-only',
        '--max-steps',
        '2',
        '--json',
        TASK,
      ],
      { cwd: project.root, env },
    );
    const sessionId = JSON.parse(first.stdout.trim().split('\n')[0]).sessionId;
    const resumed = await runCli(
      [
        'sessions',
        'resume',
        sessionId,
        '--model',
        fixtureModelPath(),
        '--context-size',
        '4096',
        '--max-steps',
        '1',
        '--json',
        'and now the tests',
      ],
      { cwd: project.root, env },
    );
    const describe = (call, label) => ({
      turn: label,
      inputTokens: call?.inputTokens,
      evaluatedTokens: call?.evaluatedInputTokens,
      timeToFirstTokenMs: call?.timeToFirstTokenMs,
    });
    const calls = modelCalls(first.stdout);
    const resumedCalls = modelCalls(resumed.stdout);
    return [
      ...calls.map((call, index) => describe(call, `run, step ${index + 1}`)),
      ...resumedCalls.map((call, index) =>
        describe(call, `resumed (new process), step ${index + 1}`),
      ),
    ];
  } finally {
    project.cleanup();
  }
}

const figures = {};
const first = await firstRequest();
const four = await fourStepFix();
const ten = await tenTurnSession();
const times = await startup();
const embeddedTurns = await embedded();
figures.firstRequestTokens = first.full.tokens;
figures.fourStepTotalTokens = four.total;
figures.prefixReuseMinPercent = Math.min(...ten.prefixReusePercent);
figures.startupMedianMs = median(times.startupMs);
figures.laterStartupMedianMs = median(times.laterStartupMs);
figures.versionMedianMs = median(times.versionMs);
figures.harnessOverheadMedianMs = median(ten.overheadMs);
const details = {
  firstRequest: first,
  fourStepFix: four,
  tenTurnSession: ten,
  times,
  embedded: embeddedTurns,
};

const baseline = flags.compare
  ? JSON.parse(readFileSync(flags.compare, 'utf8')).figures
  : undefined;

if (flags.json) {
  process.stdout.write(`${JSON.stringify({ figures, details }, null, 2)}\n`);
} else {
  process.stdout.write(formatReport({ figures, details, baseline, targets: TARGETS, runs }));
}
