import { Command, CommanderError, Option } from 'commander';
import { addCheckpointCommands } from './checkpoint-commands.js';
import { addMemoryCommands } from './memory-commands.js';
import type { AgentFlags } from './runtime.js';
import { addSyncCommands } from './sync-commands.js';
import { addTaskCommands } from './task-commands.js';
import { readVersion } from './version.js';

/**
 * The entry point and composition root of the CLI. Only argument parsing is loaded up front;
 * each command imports the rest of Outpost (store, model adapters, tools) when it runs, so
 * `outpost --version` and `--help` stay fast.
 */

const AFTER_HELP = `
Examples:
  outpost                                   start an interactive session in this project
  outpost run "fix the failing test in tests/test_parser.py"
  outpost run -C ~/src/app --approval full-auto --json "add a --verbose flag"
  outpost sessions list
  outpost sessions resume 0193ab12 "now update the changelog"
  outpost undo                              put back the files the last session changed
  outpost models list                       every model reachable now (servers and GGUF files)
  outpost index search "parse http response"   ranked places in the code index
  outpost memory list                       the project's decisions, conventions and fixes
  outpost task add "port the parser to ESM" --priority 1   a task for this project
  outpost run --model ~/models/qwen2.5-coder-7b-q4_k_m.gguf "fix the bug"   run a GGUF in-process

Approval policies: read-only (no edits, no commands), ask (ask before every edit and command),
auto-edit (edit freely, ask before commands), full-auto (never ask). Where nobody can answer
(no terminal, --json), a question becomes a refusal the model is told about.

Models: a GGUF file run in-process (--model PATH or the name of one in outpost models list),
Ollama (its native API), or any OpenAI-compatible server (llama.cpp server, LM Studio, vLLM).
Without --model and --base-url, Outpost picks the best model on this machine and says which:
servers on ports 8080, 1234 and 11434 first, then GGUF files. Nothing else is contacted.
Tool calls use the model's native tool calling, else constrained decoding (a JSON schema the
runtime enforces), else fenced text blocks; --tool-protocol overrides the choice.

Environment:
  OUTPOST_BASE_URL, OUTPOST_MODEL, OUTPOST_API_KEY   model server, model name, bearer key
  OUTPOST_APPROVAL                                   default approval policy
  OUTPOST_TOOL_PROTOCOL                              native, constrained or text
  OUTPOST_PROMPT_PROFILE                             tiny, compact or full
  OUTPOST_OFFLINE=1   refuse every connection to another machine (as --offline)
  OUTPOST_HOME        where Outpost keeps its store and config (default: XDG data dir)
  OUTPOST_CONFIG      config file (default: $XDG_CONFIG_HOME/outpost/config.json)
  NO_COLOR            plain output

Exit codes: 0 done, 1 failed, stuck in a loop or stopped at the step limit, 2 bad usage or
configuration, 130 cancelled.`;

/** Kept in step with core's model catalogue by main.test.ts. */
export const PULL_HELP = `
Built-in names (Qwen2.5-Coder Instruct, Q4_K_M, pinned and checksummed):
  qwen2.5-coder-0.5b   0.49 GB      qwen2.5-coder-3b   2.1 GB (non-commercial licence)
  qwen2.5-coder-1.5b   1.1 GB       qwen2.5-coder-7b   4.7 GB

Files go to $OUTPOST_HOME/models. An interrupted download resumes when the same command runs
again; a file gets its final name only once it is complete and verified.`;

const APPROVAL_HELP = 'when to ask before edits and commands (default: ask)';
const AUTO_ACCEPT_MEMORY = '--auto-accept-memory';
const AUTO_ACCEPT_MEMORY_HELP =
  'accept the memory records the model proposes after changing code (default: leave them proposed for review)';

function addAgentOptions(command: Command): Command {
  return addModelOptions(
    command.option('-C, --cwd <dir>', 'work in this project directory instead of the current one'),
  )
    .addOption(
      new Option('--approval <policy>', APPROVAL_HELP).choices([
        'read-only',
        'ask',
        'auto-edit',
        'full-auto',
      ]),
    )
    .option('--max-steps <n>', 'most model calls in one run (default 40)')
    .option(
      '--no-index',
      'neither build nor use the code index: no repository map, search_code reads the files',
    )
    .option(
      '--no-verify',
      'accept the model’s answer without running the tests (default: after changes, run them and send failures back)',
    )
    .option(
      '--no-plan',
      'never split a task into subtasks on its own (default: when it looks like several steps)',
    );
}

/** Options that choose and load a model. */
function addModelOptions(command: Command): Command {
  return command
    .option(
      '--base-url <url>',
      'model server URL, e.g. http://127.0.0.1:8080/v1 (OpenAI-compatible) or http://127.0.0.1:11434 (Ollama)',
    )
    .option('--model <name>', 'a model name (see outpost models list) or a path to a GGUF file')
    .addOption(
      new Option(
        '--tool-protocol <protocol>',
        'how tool calls travel (default: best the model has)',
      ).choices(['native', 'constrained', 'text']),
    )
    .addOption(
      new Option(
        '--prompt-profile <profile>',
        'prompt size (default: from the model’s context window and measured speed)',
      ).choices(['tiny', 'compact', 'full']),
    )
    .option(
      '--context-size <tokens>',
      'context to load an in-process GGUF with (default: its own, at most 8192)',
    )
    .option('--offline', 'refuse every connection to another machine (also OUTPOST_OFFLINE=1)');
}

export function createProgram(): Command {
  const program = new Command('outpost')
    .description('Outpost: an offline-first coding agent for local language models.')
    .version(readVersion(), '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .enablePositionalOptions()
    .showHelpAfterError('(run outpost --help for usage)')
    .exitOverride()
    .addHelpText('after', AFTER_HELP);

  addAgentOptions(program)
    .usage('[options] [command]')
    .argument('[words...]')
    .action(async (words: string[], flags: AgentFlags) => {
      if (words.length > 0) {
        process.stderr.write(
          `outpost: unknown command "${words[0]}". Commands: run, sessions, undo, models, index, memory, task, sync (see outpost --help).\n` +
            `To give Outpost a task: outpost run "${words.join(' ')}"\n`,
        );
        process.exitCode = 2;
        return;
      }
      const { startInteractive } = await import('./commands/interactive.js');
      await execute(() => startInteractive(flags), flags);
    });

  addAgentOptions(
    program
      .command('run')
      .description('run one task to completion, streaming the answer, then exit')
      .argument('<task...>', 'what to do, in plain words')
      // Before addAgentOptions' --no-plan, so that neither sets a default.
      .option('--plan', 'first split the task into subtasks and work through them one by one'),
  )
    .option('--json', 'print one JSON event per line instead of text')
    .option(AUTO_ACCEPT_MEMORY, AUTO_ACCEPT_MEMORY_HELP)
    .action(async (words: string[], flags: AgentFlags) => {
      const { runTask } = await import('./commands/run.js');
      await execute(() => runTask(words.join(' '), flags), flags);
    });

  const sessions = program
    .command('sessions')
    .description('list, show, resume and diff stored sessions');
  sessions
    .command('list')
    .description('one line per session: id, time, outcome, model, title')
    .option('--limit <n>', 'how many, most recently active first (default 20)')
    .option('--json', 'one JSON object per line')
    .action(async (flags: { limit?: string; json?: boolean }) => {
      const { listSessions } = await import('./commands/sessions.js');
      await execute(() => Promise.resolve(listSessions(flags)), flags);
    });
  sessions
    .command('show')
    .description('a session and every event in it')
    .argument('<id>', 'session id or a unique prefix of it')
    .option('--json', 'the session and its events as JSON')
    .action(async (id: string, flags: { json?: boolean }) => {
      const { showSession } = await import('./commands/sessions.js');
      await execute(() => Promise.resolve(showSession(id, flags)), flags);
    });
  addAgentOptions(
    sessions
      .command('resume')
      .description('continue a session in its project, optionally with a new message')
      .argument('<id>', 'session id or a unique prefix of it')
      .argument('[message...]', 'a follow-up message'),
  )
    .option('--json', 'print one JSON event per line instead of text')
    .option(AUTO_ACCEPT_MEMORY, AUTO_ACCEPT_MEMORY_HELP)
    .action(async (id: string, words: string[], flags: AgentFlags) => {
      const { resumeSession } = await import('./commands/sessions.js');
      await execute(() => resumeSession(id, words, flags), flags);
    });
  addCheckpointCommands(program, sessions, execute);

  addModelsCommands(program);
  addIndexCommands(program);
  addMemoryCommands(program, execute);
  addTaskCommands(program, execute);
  addSyncCommands(program, execute);
  return program;
}

function addIndexCommands(program: Command): void {
  const index = program
    .command('index')
    .description('the code index of a project: build, status, search');
  index
    .command('build')
    .description('index the project (only files changed since the last build are read again)')
    .option('-C, --cwd <dir>', 'the project directory (default: the current one)')
    .option('--json', 'the result as one JSON object')
    .action(async (flags: { cwd?: string; json?: boolean }) => {
      const { buildIndexCommand } = await import('./commands/index.js');
      await execute(() => buildIndexCommand(flags), flags);
    });
  index
    .command('status')
    .description('size of the index, when it was built, and whether files changed since')
    .option('-C, --cwd <dir>', 'the project directory (default: the current one)')
    .option('--json', 'one JSON object')
    .action(async (flags: { cwd?: string; json?: boolean }) => {
      const { indexStatusCommand } = await import('./commands/index.js');
      await execute(() => indexStatusCommand(flags), flags);
    });
  index
    .command('search')
    .description('ranked places in the project for words, identifiers, paths or a stack trace')
    .argument('<query...>', 'what to look for')
    .option('-C, --cwd <dir>', 'the project directory (default: the current one)')
    .option('--limit <n>', 'how many results (default 10)')
    .option('--json', 'one JSON object per result')
    .action(async (words: string[], flags: { cwd?: string; json?: boolean; limit?: string }) => {
      const { searchIndexCommand } = await import('./commands/index.js');
      await execute(() => searchIndexCommand(words.join(' '), flags), flags);
    });
}

function addModelsCommands(program: Command): void {
  const models = program.command('models').description('list, add, test and download models');
  models
    .command('list')
    .description('every model reachable now: local servers and GGUF files, with context size')
    .option('--json', 'one JSON object per line')
    .option('--offline', 'refuse every connection to another machine')
    .action(async (flags: { json?: boolean; offline?: boolean }) => {
      const { listModelsCommand } = await import('./commands/models.js');
      await execute(() => listModelsCommand(flags), flags);
    });
  models
    .command('add')
    .description('make a GGUF file usable by name (the file stays where it is)')
    .argument('<path>', 'path to a .gguf file')
    .option('--name <name>', 'the name to use it by (default: the file name)')
    .action(async (path: string, flags: { name?: string }) => {
      const { addModelCommand } = await import('./commands/models.js');
      await execute(() => addModelCommand(path, flags), {});
    });
  addModelOptions(
    models
      .command('test')
      .description('load a model, generate a few tokens, and print its prompt and generation speed')
      .argument('[name]', 'model name or GGUF path (default: the model Outpost would pick)'),
  ).action(async (name: string | undefined, flags: AgentFlags) => {
    const { testModelCommand } = await import('./commands/models.js');
    await execute(() => testModelCommand(name, flags), flags);
  });
  models
    .command('pull')
    .description('download a GGUF into the models folder (resumable, verified) while online')
    .argument('<name-or-url>', 'a built-in name (listed below) or an http(s) URL of a .gguf file')
    .option('--sha256 <hex>', 'expected SHA-256 of the file, to verify it')
    .option('--force', 'download again even if the file is already there')
    .addHelpText('after', PULL_HELP)
    .option('--offline', 'refuse every connection to another machine')
    .action(
      async (target: string, flags: { sha256?: string; force?: boolean; offline?: boolean }) => {
        const { pullModelCommand } = await import('./commands/models.js');
        await execute(() => pullModelCommand(target, flags), {});
      },
    );
}

/** Runs a command and turns its outcome into an exit code and, for known errors, one clear line. */
async function execute(command: () => Promise<number>, flags: { json?: boolean }): Promise<void> {
  try {
    process.exitCode = await command();
  } catch (error) {
    const { AgentError, ConfigError, NotFoundError, OfflineError } = await import('@outpost/core');
    const { UsageError } = await import('./usage-error.js');
    if (!AgentError.isInstance(error)) throw error;
    const usage =
      error instanceof ConfigError ||
      error instanceof UsageError ||
      error instanceof NotFoundError ||
      error instanceof OfflineError;
    if (flags.json === true) {
      process.stdout.write(
        `${JSON.stringify({ type: 'error', error: { kind: error.name, message: error.message } })}\n`,
      );
    }
    process.stderr.write(`outpost: ${error.message}\n`);
    process.exitCode = usage ? 2 : 1;
  }
}

/** `outpost sessions list | head`: a reader that went away is not an error worth a stack trace. */
function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

export async function main(argv: string[]): Promise<void> {
  exitQuietlyOnClosedPipe(process.stdout);
  exitQuietlyOnClosedPipe(process.stderr);
  try {
    await createProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end with exit code 0; any other parse error is bad usage.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    process.stderr.write(`outpost: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
}
