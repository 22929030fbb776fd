import { isIP } from 'node:net';
import { OfflineError } from '../errors/offline-error.js';

/**
 * True for names and addresses that never leave this machine: `localhost` (and `*.localhost`),
 * 127.0.0.0/8, ::1, and IPv4-mapped loopback. Decided from the text alone, without a DNS lookup
 * (a lookup is itself a network request).
 */
export function isLoopbackHost(host: string): boolean {
  const name = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  if (isIP(name) === 6) {
    if (name === '::1' || name === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(name);
    return mapped?.[1] !== undefined && mapped[1].startsWith('127.');
  }
  return false;
}

/** Whether Outpost must stay on this machine, from the environment (`OUTPOST_OFFLINE=1`). */
export function offlineFromEnvironment(env: NodeJS.ProcessEnv): boolean {
  const value = env.OUTPOST_OFFLINE?.trim().toLowerCase();
  return (
    value !== undefined && value !== '' && value !== '0' && value !== 'false' && value !== 'no'
  );
}

/** The error for a refused connection, naming what was refused and how to allow it. */
export function offlineError(target: string): OfflineError {
  return new OfflineError(
    `Outpost is offline (--offline or OUTPOST_OFFLINE=1), so it did not connect to ${target}. ` +
      'Only this machine (localhost, 127.0.0.1, ::1) is reachable; run without --offline to go online.',
  );
}

/** Throws `OfflineError` before a request to another machine is attempted. */
export function assertReachable(url: string | URL, offline: boolean): void {
  if (!offline) return;
  const parsed = typeof url === 'string' ? new URL(url) : url;
  if (!isLoopbackHost(parsed.hostname)) throw offlineError(parsed.host);
}

/**
 * A `fetch` that refuses every non-loopback URL when offline, with a clear error and before any
 * DNS lookup or connection. Every HTTP client in Outpost gets its `fetch` from here.
 */
export function createGuardedFetch(options: {
  offline: boolean;
  fetch?: typeof fetch;
}): typeof fetch {
  const inner = options.fetch ?? ((input, init) => fetch(input, init));
  if (!options.offline) return inner;
  return (input, init) => {
    const url = input instanceof Request ? input.url : input;
    const host = (typeof url === 'string' ? new URL(url) : url).hostname;
    if (!isLoopbackHost(host)) {
      return Promise.reject(offlineError(typeof url === 'string' ? new URL(url).host : url.host));
    }
    return inner(input, init);
  };
}
