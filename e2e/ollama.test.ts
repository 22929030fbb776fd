import { reply, startFakeOllamaServer } from '@outpost/test-kit';
import type { FakeOllamaServer } from '@outpost/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { createWorkspace } from './support/project.js';
import type { E2eWorkspace } from './support/project.js';

let workspace: E2eWorkspace;
let ollama: FakeOllamaServer;
beforeEach(async () => {
  workspace = createWorkspace();
  ollama = await startFakeOllamaServer({
    models: [
      { name: 'qwen2.5-coder:7b', contextLength: 32_768, capabilities: ['completion', 'tools'] },
    ],
  });
});
afterEach(async () => {
  await ollama.close();
  workspace.cleanup();
});

describe('outpost run against Ollama', () => {
  it('recognises Ollama at a bare URL, uses its native API with native tools, and never lets it truncate', async () => {
    ollama.push(
      reply().toolCall('read_file', { path: 'calc.py' }),
      reply().toolCall('edit_file', { path: 'calc.py', search: 'a - b', replace: 'a + b' }),
      reply().text('Fixed: add now adds.'),
      // The end-of-session reflection (the run changed code).
      reply().text('Nothing to remember.'),
    );
    const result = await runCli(
      ['run', '--base-url', ollama.baseUrl, '--approval', 'full-auto', 'fix calc'],
      {
        cwd: workspace.root,
        env: { OUTPOST_HOME: workspace.home },
      },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Using Ollama at ${ollama.baseUrl}, model qwen2.5-coder:7b.`);
    expect(result.stdout).toContain('Fixed: add now adds.');
    expect(workspace.read('calc.py')).toContain('return a + b');

    const chats = ollama.chatRequests;
    expect(chats).toHaveLength(4);
    for (const chat of chats) {
      const body = chat.body as {
        options: { num_ctx: number };
        tools: unknown[];
        keep_alive: string;
      };
      expect(chat.truncated).toBe(false);
      expect(body.options.num_ctx).toBeGreaterThan(chat.promptTokens ?? Infinity);
      expect(body.options.num_ctx).toBeLessThanOrEqual(32_768);
      expect(body.tools.length).toBeGreaterThan(0);
      expect(body.keep_alive).toBe('30m');
    }
    // The size only grows (a changed num_ctx reloads the model), so the model loaded once.
    expect(ollama.loads).toBe(1);
  });
});
