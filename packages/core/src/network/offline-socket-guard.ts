import * as net from 'node:net';
import { isLoopbackHost, offlineError } from './network-policy.js';

let installed = false;

/**
 * The backstop behind the guarded `fetch`: once installed, every TCP connection this process
 * opens to another machine — from any library, by any path — is refused before it is attempted
 * (the socket fails with `OfflineError`; no DNS lookup happens). Unix sockets and loopback pass.
 * Installed by the CLI when it runs offline; it cannot be uninstalled.
 */
export function installOfflineSocketGuard(): void {
  if (installed) return;
  installed = true;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- re-bound with `apply` below.
  const connect = net.Socket.prototype.connect as (
    this: net.Socket,
    ...args: unknown[]
  ) => net.Socket;
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const target = connectTarget(args);
    if (target !== undefined && !isLoopbackHost(target.host)) {
      const error = offlineError(`${target.host}:${target.port}`);
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return connect.apply(this, args);
  };
}

/** Host and port of a `socket.connect(...)` call; undefined for a Unix socket path. */
function connectTarget(args: unknown[]): { host: string; port: string } | undefined {
  let first = args[0];
  // Node passes its normalised arguments as one array internally.
  if (Array.isArray(first)) first = first[0];
  if (typeof first === 'object' && first !== null) {
    const options = first as { path?: unknown; host?: unknown; port?: unknown };
    if (typeof options.path === 'string') return undefined;
    return {
      host: typeof options.host === 'string' ? options.host : 'localhost',
      port: String(options.port),
    };
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    const host = typeof args[1] === 'string' ? args[1] : 'localhost';
    return { host, port: String(first) };
  }
  return undefined;
}
