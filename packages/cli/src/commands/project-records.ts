import { execFileSync } from 'node:child_process';
import { MemoryError, TaskError, type Store } from '@outpost/core';
import { processTerminal } from '../agent-session.js';
import type { Terminal } from '../agent-session.js';
import { openLocalStore, resolveProjectRoot } from '../runtime.js';
import { UsageError } from '../usage-error.js';

/**
 * What the `memory` and `task` commands share: the store and the project around `--cwd`, and
 * how a refused record becomes a usage error.
 */

export interface ProjectFlags {
  cwd?: string;
  json?: boolean;
}

export interface ProjectRecords {
  terminal: Terminal;
  store: Store;
  projectRoot: string;
  /** Whether `sha` is a commit of the project: what commit links are checked against. */
  commitExists: (sha: string) => boolean;
}

/**
 * Opens the store and finds the project around `--cwd`, runs `work`, and closes the store. A
 * record or change the store refuses is bad input: exit code 2, like other usage errors.
 */
export async function withProjectRecords(
  flags: ProjectFlags,
  work: (project: ProjectRecords) => number,
): Promise<number> {
  const terminal = processTerminal();
  const projectRoot = await resolveProjectRoot(flags.cwd ?? process.cwd());
  const store = openLocalStore(terminal.env, (warning) => terminal.stderr.write(`${warning}\n`));
  try {
    return work({ terminal, store, projectRoot, commitExists: commitChecker(projectRoot) });
  } catch (error) {
    if (MemoryError.isInstance(error) || TaskError.isInstance(error)) {
      throw new UsageError(error.message, { cause: error });
    }
    throw error;
  } finally {
    store.close();
  }
}

/** Whether `sha` is a commit of the project's repository (`git cat-file -e <sha>^{commit}`). */
function commitChecker(projectRoot: string): (sha: string) => boolean {
  return (sha) => {
    try {
      execFileSync('git', ['cat-file', '-e', `${sha}^{commit}`], {
        cwd: projectRoot,
        stdio: 'ignore',
      });
      return true;
    } catch {
      // git said no (unknown or ambiguous hash, not a repository) or is missing: either way
      // there is no commit to link to, and the store says so.
      return false;
    }
  };
}

/** Values of a repeatable, comma-separated option: `--tags a,b --tags c` → a, b, c. */
export function listFlag(values: readonly string[] | undefined): string[] | undefined {
  return values
    ?.flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '');
}

/** `--link commit:SHA` / `session:ID` / `task:ID`, repeatable and comma-separated. */
export function linksFlag(
  values: readonly string[] | undefined,
): { type: 'commit' | 'session' | 'task'; id: string }[] | undefined {
  return listFlag(values)?.map((value) => {
    const match = /^([a-z]+):(.+)$/.exec(value);
    if (match === null) {
      throw new UsageError(
        `--link takes type:id, like commit:1a2b3c4, session:0197ab12 or task:0197cd34, not "${value}".`,
      );
    }
    return { type: match[1] as 'commit' | 'session' | 'task', id: match[2] ?? '' };
  });
}

/** `pick ID FIELD N`: N as a positive whole number. */
export function choiceArgument(value: string): number {
  const choice = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(choice) || choice < 1) {
    throw new UsageError(
      `N must be the number of a value as show lists it (1, 2, …), not "${value}".`,
    );
  }
  return choice;
}
