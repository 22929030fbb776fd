import type { LanguageModel } from '@outpost/protocol';
import { isLoopbackHost } from '../../network/network-policy.js';
import type { ToolProtocol } from '../tool-protocol/tool-protocol.js';

/** In-process or on loopback is `local`; any other host is `remote`, and `local-only` never uses it. */
export type ModelLocality = 'local' | 'remote';

/** Where an in-process model runs, as a candidate's `location` says it. */
export const IN_PROCESS = 'in-process';

/**
 * One model the router may pick, with what is known about it before it is used. Nothing here
 * contacts the model: the caller measured or read it (the window from the server or the GGUF
 * header, the speed from `outpost models test`).
 */
export interface RouteCandidate {
  /** The name the user gave it (the router config's `name`). */
  name: string;
  /** The adapter behind its tool protocol: what the loop talks to. */
  model: LanguageModel;
  /** A server's base URL, or `in-process`. */
  location: string;
  locality: ModelLocality;
  toolProtocol: ToolProtocol;
  /** The context window it runs with, when known. */
  contextWindow: number | undefined;
  /** Measured generation speed, when `outpost models test` measured it on this device. */
  tokensPerSecond: number | undefined;
  /** Roles it is preferred for; empty: every role alike. */
  roles: readonly string[];
}

/** `local` for `in-process` and loopback URLs (decided from the text: no DNS lookup). */
export function localityOf(location: string): ModelLocality {
  if (location === IN_PROCESS) return 'local';
  let host: string;
  try {
    host = new URL(location).hostname;
  } catch {
    // Not a URL and not in-process: nothing proves it stays on this machine.
    return 'remote';
  }
  return isLoopbackHost(host) ? 'local' : 'remote';
}
