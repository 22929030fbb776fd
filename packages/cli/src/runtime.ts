import { execFile } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { promisify } from 'node:util';
import {
  ApprovalPolicy,
  ConfigError,
  describeNewIncarnation,
  installOfflineSocketGuard,
  loadConfigFile,
  loadOrCreateStoreKey,
  offlineFromEnvironment,
  openStore,
  resolveConfigPath,
  resolveDataDirectory,
  storePath,
} from '@outpost/core';
import type { EffectivePolicy, OutpostConfig, Store } from '@outpost/core';
import { oneLine } from './text.js';

/**
 * The composition root's helpers: the only code that sees the whole configuration. Each piece of
 * core gets its own slice of it.
 */

/** Flags shared by every command that runs the agent. */
export interface AgentFlags {
  cwd?: string;
  baseUrl?: string;
  model?: string;
  approval?: string;
  maxSteps?: string;
  toolProtocol?: string;
  promptProfile?: string;
  contextSize?: string;
  offline?: boolean;
  json?: boolean;
  /** `--no-index` makes it false: the session neither builds nor uses the code index. */
  index?: boolean;
  /** `--no-verify` makes it false: the model's changes are not checked before its answer. */
  verify?: boolean;
  /** `--auto-accept-memory`: what the end-of-session reflection proposes is accepted unasked. */
  autoAcceptMemory?: boolean;
  /**
   * `--no-plan` makes it false: no automatic plan step. `run --plan` makes it true there: the task
   * gets a plan step whatever the heuristic says (elsewhere, true is commander's default).
   */
  plan?: boolean;
}

export interface Settings {
  config: OutpostConfig;
  configPath: string;
  env: NodeJS.ProcessEnv;
  /** `--offline` or `OUTPOST_OFFLINE=1`: no connection leaves this machine. */
  offline: boolean;
  /** Where the session's code may go, once the project is known (`withProjectPolicy`). */
  policy?: EffectivePolicy;
}

export const DEFAULT_MAX_STEPS = 40;

/**
 * Reads the config file and the offline switch. Offline, every connection to another machine is
 * refused from here on, whatever code attempts it (the socket guard behind the guarded fetch).
 */
export function loadSettings(env: NodeJS.ProcessEnv, flags: { offline?: boolean } = {}): Settings {
  const configPath = resolveConfigPath(env, homedir());
  const offline = flags.offline === true || offlineFromEnvironment(env);
  if (offline) installOfflineSocketGuard();
  return { config: loadConfigFile(configPath), configPath, env, offline };
}

/** Opens the user's store, creating it (and its key) on first use. */
export function openLocalStore(
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void,
  options: { maxClockSkewMs?: number } = {},
): Store {
  const dataDirectory = resolveDataDirectory(env, homedir());
  const key = loadOrCreateStoreKey(dataDirectory, env);
  if (key.warning) warn(key.warning);
  const store = openStore({ path: storePath(dataDirectory), keyHex: key.keyHex, ...options });
  if (store.newIncarnation) warn(describeNewIncarnation(store.newIncarnation, store.deviceId));
  return store;
}

const execFileAsync = promisify(execFile);

/** The project is the enclosing git work tree, or the directory itself outside git. */
export async function resolveProjectRoot(cwd: string): Promise<string> {
  if (!existsSync(cwd)) throw new ConfigError(`The directory ${cwd} does not exist.`);
  try {
    const { stdout } = await execFileAsync('git', ['rev-parse', '--show-toplevel'], { cwd });
    const top = stdout.trim();
    if (top !== '') return realpathSync(top);
  } catch {
    // Not inside a git work tree (or git is missing): the directory itself is the project.
  }
  return realpathSync(cwd);
}

export function approvalPolicyFrom(flags: AgentFlags, settings: Settings): ApprovalPolicy {
  const value =
    flags.approval ?? settings.env.OUTPOST_APPROVAL ?? settings.config.approval ?? 'ask';
  const parsed = ApprovalPolicy.safeParse(value);
  if (!parsed.success) {
    throw new ConfigError(
      `Unknown approval policy "${value}". Use one of: ${ApprovalPolicy.options.join(', ')}.`,
    );
  }
  return parsed.data;
}

export function maxStepsFrom(flags: AgentFlags, settings: Settings): number {
  if (flags.maxSteps === undefined) return settings.config.maxSteps ?? DEFAULT_MAX_STEPS;
  const value = Number(flags.maxSteps);
  if (!Number.isInteger(value) || value < 1 || value > 1000) {
    throw new ConfigError(
      `--max-steps must be a whole number from 1 to 1000, not "${flags.maxSteps}".`,
    );
  }
  return value;
}

/**
 * OpenAI-compatible servers serve the API under `/v1`. A URL with no path at all
 * (`http://127.0.0.1:11434`) would get 404 on every request, so `/v1` is added, and said.
 */
export function normalizeBaseUrl(baseUrl: string): { url: string; note: string | undefined } {
  const trimmed = baseUrl.replace(/\/+$/, '');
  if (new URL(trimmed).pathname !== '/') return { url: trimmed, note: undefined };
  return { url: `${trimmed}/v1`, note: `Added /v1 to the server URL: ${trimmed}/v1.` };
}

/** A session's title: its first message on one line, cut to a readable length. */
export function titleFrom(message: string): string {
  return oneLine(message, 80);
}
