import { startFakeLlmServer } from '@outpost/test-kit';
import type { FakeLlmServer } from '@outpost/test-kit';
import { afterEach, beforeEach } from 'vitest';
import { runCli, startCli } from './cli.js';
import type { CliProcess, CliResult } from './cli.js';
import { createWorkspace } from './project.js';
import type { E2eWorkspace } from './project.js';

export interface CliFixture {
  readonly server: FakeLlmServer;
  readonly workspace: E2eWorkspace;
  /** Outpost's environment: its own home, the fake server, and the model unless auto-picked. */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** Runs the built CLI in the workspace's project and waits for it to exit. */
  run(
    args: string[],
    options?: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv },
  ): Promise<CliResult>;
  start(args: string[]): CliProcess;
  /** The last message of the model request at `index`: what the model was told last. */
  lastMessageOf(index: number): string;
}

/**
 * Each test gets a fresh fake model server and a fresh git project with a failing test, both
 * torn down afterwards. With `autoPickModel`, no model is named, so the CLI asks the server;
 * `files` adds files to the project (committed with the rest).
 */
export function useCliFixture(
  options: { models?: string[]; autoPickModel?: boolean; files?: Record<string, string> } = {},
): CliFixture {
  let server: FakeLlmServer | undefined;
  let workspace: E2eWorkspace | undefined;
  beforeEach(async () => {
    server = await startFakeLlmServer({
      contextWindow: 32_768,
      ...(options.models ? { models: options.models } : {}),
    });
    workspace = createWorkspace(options.files);
  });
  afterEach(async () => {
    await server?.close();
    workspace?.cleanup();
  });
  const ready = () => {
    if (!server || !workspace) throw new Error('useCliFixture is only usable inside a test');
    return { server, workspace };
  };
  const env = (extra: NodeJS.ProcessEnv = {}) => {
    const { server: current, workspace: project } = ready();
    return {
      OUTPOST_HOME: project.home,
      OUTPOST_BASE_URL: current.baseUrl,
      ...(options.autoPickModel ? {} : { OUTPOST_MODEL: options.models?.[0] ?? 'fake-model' }),
      ...extra,
    };
  };
  return {
    get server() {
      return ready().server;
    },
    get workspace() {
      return ready().workspace;
    },
    env,
    run: (args, runOptions = {}) =>
      runCli(args, {
        cwd: runOptions.cwd ?? ready().workspace.root,
        env: env(runOptions.env),
        ...(runOptions.input === undefined ? {} : { input: runOptions.input }),
      }),
    start: (args) => startCli(args, { cwd: ready().workspace.root, env: env() }),
    lastMessageOf(index) {
      const body = ready().server.chatRequests[index]?.body as
        { messages: { content: string }[] } | undefined;
      return body?.messages.at(-1)?.content ?? '';
    },
  };
}

/** A user turn's own text, without the volatile context Outpost appends to it. */
export function userText(content: string): string {
  return content.split('\n\n<context>\n')[0] ?? content;
}
