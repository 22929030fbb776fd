import { homedir } from 'node:os';
import {
  codeIndexPath,
  createAgent,
  createDefaultTools,
  createEventBus,
  describeTurnContext,
  loadProjectRules,
  loadSystemPrompt,
  PROJECT_RULES_CAP,
  resolveDataDirectory,
  toolsForPolicy,
} from '@outpost/core';
import type {
  AgentEvent,
  ApprovalPolicy,
  ApprovalPrompt,
  PromptProfile,
  RunResult,
  Store,
} from '@outpost/core';
import type { LanguageModel } from '@outpost/protocol';
import { createProjectCodeSearch } from './code-search.js';
import { createJsonRenderer } from './render/json-renderer.js';
import { createSpinner } from './render/spinner.js';
import type { Spinner } from './render/spinner.js';
import { colorEnabled, createStyle } from './render/style.js';
import type { Style } from './render/style.js';
import { createTerminalRenderer } from './render/terminal-renderer.js';
import { maxStepsFrom } from './runtime.js';
import type { AgentFlags, Settings } from './runtime.js';

export interface Terminal {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
}

export function processTerminal(): Terminal {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

export interface TerminalView {
  style: Style;
  spinner: Spinner;
}

export function terminalView(terminal: Terminal): TerminalView {
  const enabled = colorEnabled(terminal.stderr, terminal.env);
  return {
    style: createStyle(enabled),
    spinner: createSpinner(terminal.stderr, terminal.stderr.isTTY === true),
  };
}

export interface AgentRunner {
  run(input: { sessionId: string; userMessage?: string; signal: AbortSignal }): Promise<RunResult>;
  /** Releases what the runner opened (the code index). */
  close(): Promise<void>;
}

/** Wires core's agent loop to a store, a model, the default tools and a renderer. */
export function createAgentRunner(options: {
  store: Store;
  model: LanguageModel;
  /** Require a tool call in the first step (set where constrained decoding can enforce it). */
  requireToolCallFirst: boolean;
  promptProfile: PromptProfile;
  projectRoot: string;
  policy: ApprovalPolicy;
  approvalPrompt: ApprovalPrompt;
  flags: AgentFlags;
  settings: Settings;
  terminal: Terminal;
  view: TerminalView;
}): AgentRunner {
  const { terminal, view, settings, flags } = options;
  const events = createEventBus<AgentEvent>();
  events.subscribe(
    flags.json === true
      ? createJsonRenderer(terminal.stdout)
      : createTerminalRenderer({
          stdout: terminal.stdout,
          stderr: terminal.stderr,
          style: view.style,
          spinner: view.spinner,
          showSummary: true,
        }),
  );
  const commandTimeoutSeconds = settings.config.commandTimeoutSeconds;
  const tools = toolsForPolicy(
    createDefaultTools(
      commandTimeoutSeconds === undefined ? {} : { commandTimeoutMs: commandTimeoutSeconds * 1000 },
    ),
    options.policy,
  );
  const codeSearch = createProjectCodeSearch({
    projectRoot: options.projectRoot,
    indexPath: codeIndexPath(resolveDataDirectory(terminal.env, homedir()), options.projectRoot),
    warn: (message) => terminal.stderr.write(`${view.style.yellow(message)}\n`),
  });
  const agent = createAgent({
    model: options.model,
    tools,
    sessions: options.store.sessions,
    events,
    approval: { policy: options.policy, prompt: options.approvalPrompt },
    projectRoot: options.projectRoot,
    systemPrompt: loadSystemPrompt(),
    maxSteps: maxStepsFrom(flags, settings),
    requireToolCallFirst: options.requireToolCallFirst,
    promptProfile: options.promptProfile,
    loadProjectRules: (root) => loadProjectRules(root, PROJECT_RULES_CAP[options.promptProfile]),
    turnContext: () => describeTurnContext({ projectRoot: options.projectRoot }),
    codeSearch,
  });
  return { run: (input) => agent.run(input), close: () => codeSearch.close() };
}

/**
 * Ctrl-C handling for a run: the first press cancels the run cleanly (the loop stops, records
 * the cancellation, and the store stays consistent); a second press quits at once.
 */
export function cancelOnInterrupt(
  controller: AbortController,
  stderr: NodeJS.WritableStream,
): () => void {
  let presses = 0;
  const onInterrupt = () => {
    presses += 1;
    if (presses === 1) {
      stderr.write('\nCancelling… (press Ctrl-C again to quit now)\n');
      controller.abort();
      return;
    }
    process.exit(130);
  };
  process.on('SIGINT', onInterrupt);
  return () => process.off('SIGINT', onInterrupt);
}

export function exitCodeFor(outcome: RunResult['outcome']): number {
  switch (outcome) {
    case 'completed':
      return 0;
    case 'cancelled':
      return 130;
    case 'failed':
    case 'step-limit':
      return 1;
  }
}
