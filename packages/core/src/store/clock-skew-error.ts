import type { HlcTimestamp } from '@outpost/protocol';
import { AgentError } from '../errors/agent-error.js';

/**
 * A timestamp from another device is too far ahead of this device's wall clock to adopt
 * (reference/sync-notes.md §4.2, max-offset guard): adopting it would drag every later
 * timestamp into the future. One of the two clocks is wrong.
 */
export class ClockSkewError extends AgentError {
  readonly remote: HlcTimestamp;
  readonly remoteWallMs: number;
  readonly localWallMs: number;
  readonly maxSkewMs: number;

  constructor(options: {
    remote: HlcTimestamp;
    remoteWallMs: number;
    localWallMs: number;
    maxSkewMs: number;
  }) {
    // Rounded up: a timestamp 300.4 s ahead with 300 s allowed reads "301 s ahead", never "300 s".
    const aheadSeconds = Math.ceil((options.remoteWallMs - options.localWallMs) / 1000);
    super(
      `refused a timestamp ${aheadSeconds} s ahead of this device's clock ` +
        `(remote ${new Date(options.remoteWallMs).toISOString()}, ` +
        `local ${new Date(options.localWallMs).toISOString()}, ` +
        `at most ${Math.round(options.maxSkewMs / 1000)} s allowed): ` +
        'check the date and time settings of both devices',
    );
    this.remote = options.remote;
    this.remoteWallMs = options.remoteWallMs;
    this.localWallMs = options.localWallMs;
    this.maxSkewMs = options.maxSkewMs;
  }

  static override isInstance(error: unknown): error is ClockSkewError {
    return AgentError.isInstance(error) && error instanceof ClockSkewError;
  }
}
