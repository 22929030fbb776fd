import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createTemporaryProject } from './__fixtures__/temporary-project.js';
import { createRunCommandTool } from './run-command.js';
import type { SpawnProcess, ToolEffect, ToolResult } from './tool.js';

function expectSuccess(result: ToolResult) {
  if (!result.ok)
    throw new Error(`expected success, got ${result.error.kind}: ${result.error.message}`);
  return result;
}

function commandRun(effects: ToolEffect[] | undefined) {
  const effect = effects?.[0];
  if (effect?.type !== 'command-run') throw new Error('expected a command-run effect');
  return effect;
}

/** A spawner that records the processes it starts (and the options they were started with). */
function recordingSpawn() {
  const children: ChildProcess[] = [];
  const calls: unknown[][] = [];
  const spawnProcess = ((...args: Parameters<typeof spawn>) => {
    calls.push(args);
    const child = spawn(...args);
    children.push(child);
    return child;
  }) as SpawnProcess;
  return { spawnProcess, children, calls };
}

/** Whether a process still runs; a zombie waiting to be reaped counts as gone. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    // No procfs (macOS): the successful signal above is all there is to go on.
    return true;
  }
}

/** Waits for processes to end: killing them is immediate, reaping them by init may take a moment. */
async function waitUntilGone(pids: number[]): Promise<number[]> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (pids.every((pid) => !isRunning(pid))) return [];
    await sleep(50);
  }
  return pids.filter(isRunning);
}

/**
 * Processes in a process group, from procfs. (Signalling the group can't tell: zombies stay
 * members until reaped, and init in a container may never reap them.) Empty without procfs.
 */
function groupMembers(groupId: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    // No procfs (macOS): the pids written by the command are checked instead.
    return [];
  }
  return entries.map(Number).filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[2]) === groupId;
    } catch {
      // The process ended while we looked.
      return false;
    }
  });
}

function readPids(root: string, file: string): number[] {
  return readFileSync(path.join(root, file), 'utf8')
    .split(/\s+/)
    .filter((word) => word !== '')
    .map(Number);
}

describe('run_command', () => {
  it('runs the command through /bin/sh in the project root, detached, stdin closed', async () => {
    const project = await createTemporaryProject();
    const { spawnProcess, calls } = recordingSpawn();
    const tool = createRunCommandTool({ spawn: spawnProcess });
    const result = expectSuccess(await tool.execute({ command: 'pwd' }, project.context()));
    expect(result.output).toBe(`exit code 0\n${project.root}`);
    expect(calls[0]?.slice(0, 2)).toEqual(['/bin/sh', ['-c', 'pwd']]);
    expect(calls[0]?.[2]).toMatchObject({
      cwd: project.root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  });

  it('shows stdout and stderr together and records the run', async () => {
    const project = await createTemporaryProject();
    const tool = createRunCommandTool();
    const result = expectSuccess(
      await tool.execute({ command: 'echo out; echo err >&2; exit 0' }, project.context()),
    );
    expect(result.output).toBe('exit code 0\nout\nerr');
    expect(commandRun(result.effects)).toMatchObject({
      type: 'command-run',
      command: 'echo out; echo err >&2; exit 0',
      exitCode: 0,
      signal: null,
      timedOut: false,
      outputExcerpt: 'out\nerr\n',
    });
  });

  it('treats a non-zero exit code as a result, not a tool error', async () => {
    const project = await createTemporaryProject();
    const result = expectSuccess(
      await createRunCommandTool().execute(
        { command: 'echo "1 failed" >&2; exit 3' },
        project.context(),
      ),
    );
    expect(result.output).toBe('exit code 3\n1 failed');
    expect(result.summary).toMatch(/^exit 3 in /);
    expect(commandRun(result.effects).exitCode).toBe(3);
  });

  it('says when there is no output', async () => {
    const project = await createTemporaryProject();
    const result = expectSuccess(
      await createRunCommandTool().execute({ command: 'true' }, project.context()),
    );
    expect(result.output).toBe('exit code 0 (no output)');
  });

  it('closes stdin so programs reading it end at once', async () => {
    const project = await createTemporaryProject();
    const tool = createRunCommandTool({ defaultTimeoutMs: 20_000 });
    const result = expectSuccess(
      await tool.execute({ command: 'cat; read line' }, project.context()),
    );
    expect(result.output).toMatch(/^exit code \d+/);
    expect(commandRun(result.effects).timedOut).toBe(false);
  });

  it('keeps the head and tail of long output and says how much was left out', async () => {
    const project = await createTemporaryProject();
    const result = expectSuccess(
      await createRunCommandTool().execute({ command: 'seq 1 20000' }, project.context()),
    );
    const lines = result.output.split('\n');
    expect(lines.slice(0, 4)).toEqual(['exit code 0', '1', '2', '3']);
    expect(lines.at(-1)).toBe('20000');
    expect(result.output).toMatch(/\n\[… \d+ bytes omitted …\]\n/);
    expect(Buffer.byteLength(result.output)).toBeLessThan(9 * 1024);
    // Only whole lines on both sides of the marker.
    const marker = lines.findIndex((line) => line.startsWith('[…'));
    expect(Number(lines[marker - 1])).toBe(Number(lines[marker - 2]) + 1);
    expect(Number(lines[marker + 2])).toBe(Number(lines[marker + 1]) + 1);
  });

  it('kills the whole process tree on timeout', async () => {
    const project = await createTemporaryProject();
    const { spawnProcess, children } = recordingSpawn();
    const tool = createRunCommandTool({ spawn: spawnProcess });
    const result = expectSuccess(
      await tool.execute(
        {
          command: "sleep 100 & echo $! > pids; sh -c 'echo $$ >> pids; sleep 100'",
          timeout_seconds: 1,
        },
        project.context(),
      ),
    );
    expect(result.output).toBe('timed out after 1 s (no output)');
    expect(commandRun(result.effects)).toMatchObject({
      timedOut: true,
      exitCode: null,
      signal: 'SIGTERM',
    });
    const pids = readPids(project.root, 'pids');
    expect(pids).toHaveLength(2);
    expect(await waitUntilGone(pids)).toEqual([]);
    expect(await waitUntilGone(groupMembers(children[0]?.pid ?? 0))).toEqual([]);
  });

  it('uses the factory default timeout when the model gives none', async () => {
    const project = await createTemporaryProject();
    const tool = createRunCommandTool({ defaultTimeoutMs: 300 });
    const result = expectSuccess(await tool.execute({ command: 'sleep 30' }, project.context()));
    expect(result.output).toBe('timed out after 0.3 s (no output)');
    expect(tool.description).toContain('(optional, default 0.3)');
  });

  it('stops background processes the command leaves behind', async () => {
    const project = await createTemporaryProject();
    const result = expectSuccess(
      await createRunCommandTool().execute(
        { command: 'sleep 100 > /dev/null 2>&1 & echo $! > pids; echo started' },
        project.context(),
      ),
    );
    expect(result.output).toBe('exit code 0\nstarted');
    expect(await waitUntilGone(readPids(project.root, 'pids'))).toEqual([]);
  });

  it('returns cancelled and kills the tree when the signal aborts', async () => {
    const project = await createTemporaryProject();
    const controller = new AbortController();
    const { spawnProcess } = recordingSpawn();
    const tool = createRunCommandTool({
      spawn: ((...args: Parameters<typeof spawn>) => {
        const child = spawnProcess(...args);
        child.stdout?.once('data', () => controller.abort());
        return child;
      }) as SpawnProcess,
    });
    const result = await tool.execute(
      { command: 'sleep 100 & echo $! > pids; echo ready; wait' },
      project.context({ signal: controller.signal }),
    );
    if (result.ok) throw new Error(`expected cancelled, got ${result.output}`);
    expect(result.error.kind).toBe('cancelled');
    expect(commandRun(result.effects)).toMatchObject({ signal: 'SIGTERM', timedOut: false });
    expect(await waitUntilGone(readPids(project.root, 'pids'))).toEqual([]);
  });

  it('does not start when already cancelled', async () => {
    const project = await createTemporaryProject();
    const controller = new AbortController();
    controller.abort();
    const { spawnProcess, calls } = recordingSpawn();
    const result = await createRunCommandTool({ spawn: spawnProcess }).execute(
      { command: 'touch ran' },
      project.context({ signal: controller.signal }),
    );
    expect(result.ok).toBe(false);
    expect(calls).toHaveLength(0);
  });

  it('reports a command that could not start as an io-error', async () => {
    const project = await createTemporaryProject();
    const result = await createRunCommandTool().execute(
      { command: 'true' },
      project.context({ projectRoot: path.join(project.root, 'missing') }),
    );
    if (result.ok) throw new Error('expected an error');
    expect(result.error.kind).toBe('io-error');
    expect(commandRun(result.effects).exitCode).toBeNull();
  });

  it('describes the call in one short line', () => {
    const tool = createRunCommandTool();
    expect(tool.describeCall({ command: 'npm  test\n  -- --run' })).toBe(
      'run_command npm test -- --run',
    );
    expect(tool.describeCall({ command: 'x'.repeat(500) })).toHaveLength(
      'run_command '.length + 121,
    );
  });
});
