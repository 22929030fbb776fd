import { homedir } from 'node:os';
import {
  chooseVerificationCommands,
  codeIndexPath,
  createAgent,
  createCheckpoints,
  createDefaultTools,
  createMemoryTools,
  createEmbeddingModel,
  DEFAULT_MAX_SUBTASKS,
  createEventBus,
  createGuardedFetch,
  describeMemory,
  describeTurnContext,
  loadProjectRules,
  loadSystemPrompt,
  MEMORY_TOKENS,
  PROJECT_RULES_CAP,
  REPO_MAP_TOKENS,
  resolveDataDirectory,
  toolsForPolicy,
} from '@outpost/core';
import type {
  AgentEvent,
  ApprovalPolicy,
  ApprovalPrompt,
  MemoryStore,
  ModelRouter,
  PlanningSettings,
  PromptProfile,
  ReflectionResult,
  RunResult,
  Store,
  VerificationSettings,
} from '@outpost/core';
import type { LanguageModel } from '@outpost/protocol';
import { openProjectCodeIndex } from './project-code-index.js';
import type { IndexEvent, ProjectCodeIndex } from './project-code-index.js';
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
  /** `plan`: make a plan for the message first (`run --plan`, `/plan`). */
  run(input: {
    sessionId: string;
    userMessage?: string;
    plan?: boolean;
    signal: AbortSignal;
  }): Promise<RunResult>;
  /**
   * The end-of-session reflection: proposes memory records when the session changed code since
   * it last reflected (`"memory": { "reflect": false }` turns it off).
   */
  reflect(input: { sessionId: string; signal: AbortSignal }): Promise<ReflectionResult>;
  /** The project's memory, where proposals are reviewed. */
  memory: MemoryStore;
  /** Announces an event to the session's renderer (text or `--json`). */
  announce: (event: AgentEvent) => void;
}

/** A session's code index, started before the model is chosen; the runner connects its events. */
export interface SessionCodeIndex extends ProjectCodeIndex {
  /** Where its `index.*` events go from now on (none are announced before a turn or tool asks). */
  connect(emit: (event: IndexEvent) => void): void;
}

/**
 * Starts bringing the project's code index up to date in the background, as the session starts:
 * it overlaps with finding the model and opening the store, and the first turn's repository map
 * waits for it (docs/architecture/code-index.md). Undefined when `--no-index` or
 * `"index": { "enabled": false }` turn it off. The caller closes it when the session ends.
 */
export function startSessionCodeIndex(options: {
  projectRoot: string;
  flags: AgentFlags;
  settings: Settings;
}): SessionCodeIndex | undefined {
  const { projectRoot, flags, settings } = options;
  if (flags.index === false || settings.config.index?.enabled === false) return undefined;
  let emit: (event: IndexEvent) => void = () => undefined;
  const embedding = settings.config.embedding;
  const index = openProjectCodeIndex({
    projectRoot,
    indexPath: codeIndexPath(resolveDataDirectory(settings.env, homedir()), projectRoot),
    emit: (event) => emit(event),
    ...(embedding === undefined
      ? {}
      : {
          embeddings: () =>
            createEmbeddingModel({
              ...embedding,
              fetch: createGuardedFetch({ offline: settings.offline }),
            }),
        }),
  });
  return {
    ...index,
    connect(listener) {
      emit = listener;
    },
  };
}

/** Wires core's agent loop to a store, a model, the default tools and a renderer. */
export function createAgentRunner(options: {
  store: Store;
  model: LanguageModel;
  /** Require a tool call in the first step (set where constrained decoding can enforce it). */
  requireToolCallFirst: boolean;
  /** Picks each step's model when the config has a router (`ModelChoice.router`). */
  router?: ModelRouter | undefined;
  promptProfile: PromptProfile;
  projectRoot: string;
  policy: ApprovalPolicy;
  approvalPrompt: ApprovalPrompt;
  flags: AgentFlags;
  settings: Settings;
  terminal: Terminal;
  view: TerminalView;
  /** From `startSessionCodeIndex`; without one there is no map and search_code reads files. */
  codeIndex: SessionCodeIndex | undefined;
}): AgentRunner {
  const { terminal, view, settings, flags, codeIndex } = options;
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
          liveProgress: terminal.stderr.isTTY === true,
        }),
  );
  const commandTimeoutSeconds = settings.config.commandTimeoutSeconds;
  const memory = options.store.memory({ projectRoot: options.projectRoot });
  const tools = toolsForPolicy(
    [
      ...createDefaultTools(
        commandTimeoutSeconds === undefined
          ? {}
          : { commandTimeoutMs: commandTimeoutSeconds * 1000 },
      ),
      ...createMemoryTools({ recall: memory.list({ statuses: ['accepted'] }).length > 0 }),
    ],
    options.policy,
  );
  codeIndex?.connect((event) => events.emit(event));
  const repoMapTokens = settings.config.repoMap?.tokens ?? REPO_MAP_TOKENS[options.promptProfile];
  const memoryTokens = settings.config.memory?.tokens ?? MEMORY_TOKENS[options.promptProfile];
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
    ...(options.router === undefined ? {} : { router: options.router }),
    promptProfile: options.promptProfile,
    loadProjectRules: (root) => loadProjectRules(root, PROJECT_RULES_CAP[options.promptProfile]),
    turnContext: async (userMessage, signal, work) => {
      const [context, repoMap] = await Promise.all([
        describeTurnContext({ projectRoot: options.projectRoot }),
        codeIndex?.repoMap(userMessage, repoMapTokens, signal),
      ]);
      const remembered = describeMemory({
        memory,
        message: userMessage,
        workPaths: work.workPaths,
        tokenBudget: memoryTokens,
      });
      return [context, remembered, repoMap]
        .filter((part): part is string => part !== undefined)
        .join('\n\n');
    },
    ...(codeIndex === undefined ? {} : { codeSearch: codeIndex }),
    memory,
    ...(settings.config.loopGuard === undefined ? {} : { loopGuard: settings.config.loopGuard }),
    ...verificationOf(flags, settings, options.projectRoot),
    planning: planningOf(flags, settings),
    // Before the session's first write or command (docs/architecture/checkpoints.md).
    checkpoint: (sessionId) =>
      createCheckpoints({
        projectRoot: options.projectRoot,
        dataDirectory: resolveDataDirectory(settings.env, homedir()),
        env: settings.env,
      }).take(sessionId),
  });
  return {
    run: (input) => agent.run(input),
    reflect: (input) =>
      settings.config.memory?.reflect === false
        ? Promise.resolve({ proposed: [], dropped: [], skipped: 'turned-off' })
        : agent.reflect(input),
    memory,
    announce: (event) => events.emit(event),
  };
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
    case 'stuck':
      return 1;
  }
}

/**
 * When a message gets a plan step on its own: unless `--no-plan` or `"planning": { "enabled":
 * false }` says not to (an explicit `--plan` or `/plan` plans regardless).
 */
function planningOf(flags: AgentFlags, settings: Settings): PlanningSettings {
  const config = settings.config.planning ?? {};
  return {
    auto: flags.plan !== false && config.enabled !== false,
    maxSubtasks: config.maxSubtasks ?? DEFAULT_MAX_SUBTASKS,
  };
}

/** Default time limit of one check command. */
const VERIFY_TIMEOUT_SECONDS = 600;
const VERIFY_ROUNDS = 2;

/**
 * How the session checks the model's changes: the configured or detected commands, unless
 * `--no-verify` or `"verify": { "enabled": false }` turns it off.
 */
function verificationOf(
  flags: AgentFlags,
  settings: Settings,
  projectRoot: string,
): { verification?: VerificationSettings } {
  const config = settings.config.verify ?? {};
  if (flags.verify === false || config.enabled === false) return {};
  const commands = chooseVerificationCommands(projectRoot, config);
  if (commands.length === 0) return {};
  return {
    verification: {
      commands,
      rounds: config.rounds ?? VERIFY_ROUNDS,
      timeoutMs: (config.timeoutSeconds ?? VERIFY_TIMEOUT_SECONDS) * 1000,
    },
  };
}
