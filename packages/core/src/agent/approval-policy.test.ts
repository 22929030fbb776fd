import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../tool/tool.js';
import type { AnyTool, ToolAccess } from '../tool/tool.js';
import {
  createNonInteractiveApprovalPrompt,
  decideApproval,
  toolsForPolicy,
} from './approval-policy.js';

function tool(name: string, access: ToolAccess): AnyTool {
  return defineTool({
    name,
    description: name,
    access,
    inputSchema: z.object({}),
    describeCall: () => name,
    execute: () => Promise.resolve({ ok: true, output: '', summary: '' }),
  }) as AnyTool;
}

describe('decideApproval', () => {
  it.each([
    ['read-only', ['allow', 'deny', 'deny', 'deny']],
    ['ask', ['allow', 'ask', 'ask', 'allow']],
    ['auto-edit', ['allow', 'allow', 'ask', 'allow']],
    ['full-auto', ['allow', 'allow', 'allow', 'allow']],
  ] as const)('%s decides read, write, command, memory as %j', (policy, expected) => {
    expect(
      (['read', 'write', 'command', 'memory'] as const).map((access) =>
        decideApproval(policy, access),
      ),
    ).toEqual(expected);
  });
});

describe('toolsForPolicy', () => {
  it('drops tools a read-only run could never use and keeps all others', () => {
    const tools = [tool('read_file', 'read'), tool('edit_file', 'write'), tool('run', 'command')];
    expect(toolsForPolicy(tools, 'read-only').map((t) => t.name)).toEqual(['read_file']);
    expect(toolsForPolicy(tools, 'ask').map((t) => t.name)).toEqual([
      'read_file',
      'edit_file',
      'run',
    ]);
  });
});

describe('createNonInteractiveApprovalPrompt', () => {
  it('refuses with a reason naming the tool and the policy', async () => {
    const answer = await createNonInteractiveApprovalPrompt('ask')({
      toolName: 'run_command',
      access: 'command',
      description: 'run_command npm test',
      input: { command: 'npm test' },
    });
    expect(answer.approved).toBe(false);
    expect(answer.approved ? '' : answer.reason).toContain(
      'run_command was not run: the approval policy "ask"',
    );
  });
});
