import { Command, CommanderError, Option } from 'commander';
import type { AgentFlags } from './runtime.js';
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

Approval policies: read-only (no edits, no commands), ask (ask before every edit and command),
auto-edit (edit freely, ask before commands), full-auto (never ask). Where nobody can answer
(no terminal, --json), a question becomes a refusal the model is told about.

Model servers: any OpenAI-compatible server (llama.cpp server, LM Studio, Ollama, vLLM).
Without --base-url, Outpost looks for one on this machine (ports 8080, 1234, 11434).

Environment:
  OUTPOST_BASE_URL, OUTPOST_MODEL, OUTPOST_API_KEY   model server, model name, bearer key
  OUTPOST_APPROVAL                                   default approval policy
  OUTPOST_HOME        where Outpost keeps its store and config (default: XDG data dir)
  OUTPOST_CONFIG      config file (default: $XDG_CONFIG_HOME/outpost/config.json)
  NO_COLOR            plain output

Exit codes: 0 done, 1 failed or stopped at the step limit, 2 bad usage or configuration,
130 cancelled.`;

const APPROVAL_HELP = 'when to ask before edits and commands (default: ask)';

function addAgentOptions(command: Command): Command {
  return command
    .option('-C, --cwd <dir>', 'work in this project directory instead of the current one')
    .option('--base-url <url>', 'OpenAI-compatible server URL, e.g. http://127.0.0.1:8080/v1')
    .option('--model <name>', 'model name as the server knows it')
    .addOption(
      new Option('--approval <policy>', APPROVAL_HELP).choices([
        'read-only',
        'ask',
        'auto-edit',
        'full-auto',
      ]),
    )
    .option('--max-steps <n>', 'most model calls in one run (default 40)');
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
          `outpost: unknown command "${words[0]}". Commands: run, sessions (see outpost --help).\n` +
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
      .argument('<task...>', 'what to do, in plain words'),
  )
    .option('--json', 'print one JSON event per line instead of text')
    .action(async (words: string[], flags: AgentFlags) => {
      const { runTask } = await import('./commands/run.js');
      await execute(() => runTask(words.join(' '), flags), flags);
    });

  const sessions = program.command('sessions').description('list, show and resume stored sessions');
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
    .action(async (id: string, words: string[], flags: AgentFlags) => {
      const { resumeSession } = await import('./commands/sessions.js');
      await execute(() => resumeSession(id, words, flags), flags);
    });

  return program;
}

/** Runs a command and turns its outcome into an exit code and, for known errors, one clear line. */
async function execute(command: () => Promise<number>, flags: { json?: boolean }): Promise<void> {
  try {
    process.exitCode = await command();
  } catch (error) {
    const { AgentError, ConfigError, NotFoundError } = await import('@outpost/core');
    const { UsageError } = await import('./usage-error.js');
    if (!AgentError.isInstance(error)) throw error;
    const usage =
      error instanceof ConfigError || error instanceof UsageError || error instanceof NotFoundError;
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
