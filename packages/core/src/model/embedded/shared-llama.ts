import type { Llama, LlamaLogLevel } from 'node-llama-cpp';
import type * as NodeLlamaCpp from 'node-llama-cpp';

/** The levels of node-llama-cpp's (llama.cpp's) log lines, most severe first. */
export type EmbeddedLogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'log' | 'debug';

const severity: Record<EmbeddedLogLevel, number> = {
  fatal: 0,
  error: 1,
  warn: 2,
  info: 3,
  log: 4,
  debug: 5,
};

export interface LlamaUser {
  gpu: 'auto' | false;
  /** The least severe level this user wants. */
  logLevel: EmbeddedLogLevel;
  onLog?: (level: EmbeddedLogLevel, message: string) => void;
}

/** One user's hold on the shared binding; `release` stops its log lines. */
export interface LlamaLease {
  llama: Llama;
  release(): void;
}

/*
 * One `Llama` (native binding) for the whole process, kept until the process exits. llama.cpp
 * has one log callback per process, and node-llama-cpp 3.22 loses it when a second `Llama`
 * registers its logger (the release of the previous callback clears the new registration), after
 * which llama.cpp prints its log lines straight to stderr, over the terminal UI. So embedded
 * models share this one, whose logger hands each line to every user that asked for its level,
 * and it is never re-created. It holds a few megabytes; models and contexts, the memory that
 * matters, are freed by each adapter's `dispose`. Process-wide because the native callback is.
 */
let shared: { llama: Promise<Llama>; users: Set<LlamaUser> } | undefined;

/**
 * Gets the process's `Llama`, creating it with `build: 'never'` (never compile, never download)
 * and the first user's `gpu` setting. Rejects when node-llama-cpp cannot start; a later call
 * then tries again.
 */
export async function acquireLlama(
  library: typeof NodeLlamaCpp,
  user: LlamaUser,
): Promise<LlamaLease> {
  if (shared === undefined) {
    const users = new Set<LlamaUser>();
    const llama = library.getLlama({
      build: 'never',
      gpu: user.gpu,
      logLevel: library.LlamaLogLevel[user.logLevel],
      logger: (level, message) => dispatchLog(users, level, message),
      progressLogs: false,
    });
    const created = { llama, users };
    shared = created;
    llama.catch(() => {
      // The caller hears of the failure through its own await.
      if (shared === created) shared = undefined;
    });
  }
  const { llama: pending, users } = shared;
  users.add(user);
  let llama: Llama;
  try {
    llama = await pending;
  } catch (error) {
    users.delete(user);
    throw error;
  }
  if (severity[user.logLevel] > severity[toLevelName(llama.logLevel) ?? 'fatal']) {
    llama.logLevel = library.LlamaLogLevel[user.logLevel];
  }
  return { llama, release: () => users.delete(user) };
}

function dispatchLog(users: ReadonlySet<LlamaUser>, level: LlamaLogLevel, message: string) {
  const name = toLevelName(level);
  if (name === undefined) return;
  const text = message.trimEnd();
  for (const user of users) {
    if (user.onLog !== undefined && severity[name] <= severity[user.logLevel]) {
      user.onLog(name, text);
    }
  }
}

function toLevelName(level: LlamaLogLevel): EmbeddedLogLevel | undefined {
  const name = String(level);
  return isLevelName(name) ? name : undefined;
}

function isLevelName(name: string): name is EmbeddedLogLevel {
  return Object.hasOwn(severity, name);
}
