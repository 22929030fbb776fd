import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createTemporaryProject } from './__fixtures__/temporary-project.js';
import { createDefaultTools } from './default-tools.js';
import type { SpawnProcess, Tool } from './tool.js';

describe('createDefaultTools', () => {
  it('passes the spawner and default timeout to run_command', async () => {
    const project = await createTemporaryProject();
    const commands: string[] = [];
    const recordingSpawn = ((...args: Parameters<typeof spawn>) => {
      commands.push(String((args[1] as string[])[1]));
      return spawn(...args);
    }) as SpawnProcess;
    const tools = createDefaultTools({ spawn: recordingSpawn, commandTimeoutMs: 200 });
    const runCommand = tools.find((tool) => tool.name === 'run_command') as unknown as Tool<{
      command: string;
    }>;
    const result = await runCommand.execute({ command: 'sleep 20' }, project.context());
    expect(commands).toEqual(['sleep 20']);
    expect(result.ok && result.output).toBe('timed out after 0.2 s (no output)');
  });

  it('gives every tool a read, write or command access level', () => {
    expect(createDefaultTools().map((tool) => [tool.name, tool.access])).toEqual([
      ['read_file', 'read'],
      ['list_files', 'read'],
      ['search_code', 'read'],
      ['edit_file', 'write'],
      ['write_file', 'write'],
      ['run_command', 'command'],
    ]);
  });
});
