import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { createWorkspace } from './support/project.js';
import type { E2eWorkspace } from './support/project.js';

let workspace: E2eWorkspace;
beforeEach(() => {
  workspace = createWorkspace();
});
afterEach(() => workspace.cleanup());

const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runCli(args, { cwd: workspace.root, env: { OUTPOST_HOME: workspace.home, ...env } });

it('prints its version and a help that names every command', async () => {
  const version = await run(['--version']);
  expect(version.code).toBe(0);
  expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  const help = await run(['--help']);
  expect(help.code).toBe(0);
  for (const text of [
    'run [options] <task...>',
    'sessions',
    '--approval <policy>',
    '--base-url <url>',
    'OUTPOST_HOME',
  ]) {
    expect(help.stdout).toContain(text);
  }
  const sessionsHelp = await run(['sessions', '--help']);
  for (const command of ['list', 'show', 'resume']) expect(sessionsHelp.stdout).toContain(command);
});

it('explains an unreachable server and stores nothing', async () => {
  const result = await run(['run', '--base-url', 'http://127.0.0.1:9/v1', 'fix it']);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('No model server is reachable at http://127.0.0.1:9/v1');
  expect(result.stderr).toContain('--model NAME');
  const list = await run(['sessions', 'list']);
  expect(list.stderr).toContain('No sessions yet');
});

it('names the config file and the bad key when the config is invalid', async () => {
  mkdirSync(workspace.home, { recursive: true });
  writeFileSync(
    join(workspace.home, 'config.json'),
    JSON.stringify({ model: { url: 'http://x' } }),
  );
  const result = await run(['run', 'fix it']);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain(
    `The config file ${join(workspace.home, 'config.json')} is invalid`,
  );
  expect(result.stderr).toContain('unknown key "url"');
});

it('rejects bad usage with exit code 2 and a pointer to help', async () => {
  const unknownCommand = await run(['frobnicate']);
  expect(unknownCommand.code).toBe(2);
  expect(unknownCommand.stderr).toContain('frobnicate');
  const badPolicy = await run(['run', '--approval', 'yolo', 'x']);
  expect(badPolicy.code).toBe(2);
  expect(badPolicy.stderr).toContain('Allowed choices are read-only, ask, auto-edit, full-auto');
  const unknownSession = await run(['sessions', 'show', 'ffffffff']);
  expect(unknownSession.code).toBe(2);
  expect(unknownSession.stderr).toContain('ffffffff');
  const badSteps = await run([
    'run',
    '--base-url',
    'http://127.0.0.1:9/v1',
    '--model',
    'm',
    '--max-steps',
    '0',
    'x',
  ]);
  expect(badSteps.code).toBe(2);
  expect(badSteps.stderr).toContain('--max-steps must be a whole number from 1 to 1000');
});
