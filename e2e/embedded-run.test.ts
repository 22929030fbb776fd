import { fixtureModelPath } from '@outpost/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { BUGGY_CALC, createWorkspace } from './support/project.js';
import type { E2eWorkspace } from './support/project.js';

interface JsonEvent {
  type: string;
  event?: { data: { type: string; [key: string]: unknown } };
  [key: string]: unknown;
}

let workspace: E2eWorkspace;
beforeEach(() => {
  workspace = createWorkspace();
});
afterEach(() => workspace.cleanup());

/**
 * The real local runtime end to end: the built CLI runs the fixture GGUF in-process through
 * node-llama-cpp. The model writes children's stories, so its tool calls are valid JSON (the
 * grammar sees to that) with nonsense in them; the loop must execute or reject each one cleanly.
 */
describe('outpost run on an in-process GGUF', () => {
  it('drives the loop with constrained tool calls and stops at the step limit without a crash', async () => {
    const result = await runCli(
      [
        'run',
        '--model',
        fixtureModelPath(),
        '--tool-protocol',
        'constrained',
        '--approval',
        'read-only',
        '--max-steps',
        '2',
        '--json',
        'fix the failing test',
      ],
      { cwd: workspace.root, env: { OUTPOST_HOME: workspace.home } },
    );
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as JsonEvent);
    const recorded = events.flatMap((event) =>
      event.type === 'session.event-recorded' && event.event ? [event.event.data] : [],
    );
    const calls = recorded.filter((data) => data.type === 'tool-call');
    const results = recorded.filter((data) => data.type === 'tool-result');
    const finished = events.find((event) => event.type === 'run.finished');

    expect(result.stderr).not.toMatch(/unexpected error|TypeError|at .*\.js:\d+/);
    // The first step must act (constrained decoding offers no answer branch before a tool call).
    expect(calls.length).toBeGreaterThanOrEqual(1);
    // Every call got a result: valid ones ran, nonsense paths or arguments were refused as data.
    expect(results.map((data) => data.toolCallId)).toEqual(calls.map((data) => data.toolCallId));
    for (const call of calls) {
      expect(['read_file', 'list_files', 'search_code']).toContain(call.toolName);
      expect(() => JSON.parse(call.arguments as string) as unknown).not.toThrow();
    }
    expect(['completed', 'step-limit']).toContain(finished?.outcome);
    expect(result.code).toBe(finished?.outcome === 'completed' ? 0 : 1);
    const modelCalls = recorded.filter((data) => data.type === 'model-call');
    expect(modelCalls[0]).toMatchObject({ provider: 'embedded', model: 'stories260K' });
    // Read-only: nothing in the project changed.
    expect(workspace.read('calc.py')).toBe(BUGGY_CALC);
  });

  it('refuses a prompt that does not fit the real context window, before generating', async () => {
    // The `full` profile's tool descriptions do not fit the fixture's 2,048-token window (the
    // automatic choice for such a window is `tiny`, which does).
    const result = await runCli(
      [
        'run',
        '--model',
        fixtureModelPath(),
        '--prompt-profile',
        'full',
        '--approval',
        'read-only',
        'fix the failing test',
      ],
      { cwd: workspace.root, env: { OUTPOST_HOME: workspace.home } },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /The conversation needs about [\d,]+ tokens, more than the 1,536 that fit the model's 2,048-token context window/,
    );
  });

  it('evaluates only new tokens on the next step, and says how a resumed session was restored', async () => {
    const env = { OUTPOST_HOME: workspace.home };
    const common = [
      '--model',
      fixtureModelPath(),
      '--context-size',
      '4096',
      '--approval',
      'read-only',
    ];
    const first = await runCli(['run', ...common, '--max-steps', '2', '--json', 'fix the test'], {
      cwd: workspace.root,
      env,
    });
    const lines = first.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as JsonEvent);
    const calls = lines.flatMap((event) =>
      event.event?.data.type === 'model-call' ? [event.event.data] : [],
    );
    expect(calls).toHaveLength(2);
    expect(calls[0]?.evaluatedInputTokens).toBe(calls[0]?.inputTokens);
    expect(calls[1]?.evaluatedInputTokens).toBeLessThan((calls[1]?.inputTokens as number) / 2);

    const sessionId = lines[0]?.sessionId as string;
    const resumed = await runCli(
      ['sessions', 'resume', sessionId, ...common, '--max-steps', '1', 'and now?'],
      { cwd: workspace.root, env },
    );
    expect(resumed.stderr).toMatch(
      /Resumed by re-reading the session once \([\d,]+ of [\d,]+ prompt tokens\): the model state is not kept between runs/,
    );
  });

  it('refuses a tool protocol the model cannot carry', async () => {
    const result = await runCli(
      ['run', '--model', fixtureModelPath(), '--tool-protocol', 'native', 'fix it'],
      { cwd: workspace.root, env: { OUTPOST_HOME: workspace.home } },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot use the native tool protocol');
  });
});
