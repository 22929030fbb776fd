import * as net from 'node:net';
import { describe, expect, it } from 'vitest';
import { OfflineError } from '../errors/offline-error.js';
import {
  assertReachable,
  createGuardedFetch,
  isLoopbackHost,
  offlineFromEnvironment,
} from './network-policy.js';

describe('isLoopbackHost', () => {
  it.each([
    'localhost',
    'LOCALHOST',
    'api.localhost',
    '127.0.0.1',
    '127.8.9.10',
    '::1',
    '[::1]',
    '::ffff:127.0.0.1',
  ])('treats %s as this machine', (host) => expect(isLoopbackHost(host)).toBe(true));

  it.each([
    'example.com',
    '10.0.0.1',
    '192.168.1.20',
    '0.0.0.0',
    '::',
    'localhost.example.com',
    '128.0.0.1',
    '::ffff:10.0.0.1',
  ])('treats %s as another machine', (host) => expect(isLoopbackHost(host)).toBe(false));
});

describe('offline policy', () => {
  it('reads OUTPOST_OFFLINE', () => {
    expect(offlineFromEnvironment({ OUTPOST_OFFLINE: '1' })).toBe(true);
    expect(offlineFromEnvironment({ OUTPOST_OFFLINE: 'true' })).toBe(true);
    expect(offlineFromEnvironment({ OUTPOST_OFFLINE: '0' })).toBe(false);
    expect(offlineFromEnvironment({})).toBe(false);
  });

  it('refuses a remote URL with a message naming it, and allows loopback', () => {
    expect(() => assertReachable('https://huggingface.co/x.gguf', true)).toThrow(OfflineError);
    expect(() => assertReachable('https://huggingface.co/x.gguf', true)).toThrow(
      /offline.*huggingface\.co/,
    );
    expect(() => assertReachable('http://127.0.0.1:8080/v1', true)).not.toThrow();
    expect(() => assertReachable('https://huggingface.co/x.gguf', false)).not.toThrow();
  });

  it('a guarded fetch rejects before calling the real fetch', async () => {
    const seen: string[] = [];
    const inner: typeof fetch = (input) => {
      seen.push(input instanceof Request ? input.url : input.toString());
      return Promise.resolve(new Response('ok'));
    };
    const guarded = createGuardedFetch({ offline: true, fetch: inner });
    await expect(guarded('http://10.1.2.3:8080/v1/models')).rejects.toBeInstanceOf(OfflineError);
    await guarded('http://localhost:9/v1/models');
    expect(seen).toEqual(['http://localhost:9/v1/models']);
  });
});

describe('a socket to another machine, with the guard installed', () => {
  it('fails with OfflineError before connecting, while loopback still connects', async () => {
    const { installOfflineSocketGuard } = await import('./offline-socket-guard.js');
    installOfflineSocketGuard();
    const remote = await new Promise<Error>((resolve) => {
      const socket = net.connect({ host: '10.255.255.1', port: 80 });
      socket.on('error', resolve);
      socket.on('connect', () => resolve(new Error('connected')));
    });
    expect(remote).toBeInstanceOf(OfflineError);
    expect(remote.message).toMatch(/10\.255\.255\.1:80/);

    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const local = await new Promise<string>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.on('error', (error) => resolve(error.message));
    });
    server.close();
    expect(local).toBe('connected');
  });
});
