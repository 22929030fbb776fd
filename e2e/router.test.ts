import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reply, startFakeLlmServer } from '@outpost/test-kit';
import type { FakeLlmServer } from '@outpost/test-kit';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { useCliFixture } from './support/fixture.js';

/**
 * The model router with the built CLI: two fake servers on loopback, listed under "router" in
 * the config file. `cli.server` serves `coder-big` (32,768-token window, the first pick); `backup`
 * serves `coder-small` (16,384).
 */
const cli = useCliFixture({ models: ['coder-big'] });
let backup: FakeLlmServer;
let logs: string;

beforeEach(async () => {
  backup = await startFakeLlmServer({ models: ['coder-small'], contextWindow: 16_384 });
  logs = mkdtempSync(join(tmpdir(), 'outpost-router-connections-'));
});
afterEach(async () => {
  await backup.close();
  rmSync(logs, { recursive: true, force: true });
});

type Shown = { events: { data: { type: string } & Record<string, unknown> }[] };

function configure(router: object): void {
  mkdirSync(cli.workspace.home, { recursive: true });
  writeFileSync(join(cli.workspace.home, 'config.json'), JSON.stringify({ router }));
}

function bothLocal(): object {
  return {
    models: [
      { name: 'coder-big', baseUrl: cli.server.baseUrl },
      { name: 'coder-small', baseUrl: backup.baseUrl },
    ],
  };
}

/** No model named by the environment, so the router decides. */
const routed = { OUTPOST_BASE_URL: '', OUTPOST_MODEL: '' };

async function routesOf(sessionId: string): Promise<Record<string, unknown>[]> {
  const shown = JSON.parse(
    (await cli.run(['sessions', 'show', sessionId, '--json'])).stdout,
  ) as Shown;
  return shown.events.map((event) => event.data).filter((data) => data.type === 'route');
}

const sessionOf = (stderr: string) => /session ([0-9a-f]{8})/.exec(stderr)?.[1] ?? '';

it('goes on with the second server when the first dies mid-run, and shows why', async () => {
  configure(bothLocal());
  cli.server.push(reply().toolCall('read_file', { path: 'calc.py' }));
  // The next request finds the server going away: it closes and never answers.
  cli.server.respond(() => {
    void cli.server.close();
    return reply().hang();
  });
  backup.push(reply().text('add subtracts: the minus sign is the bug.'));

  const result = await cli.run(['run', 'why does add fail?'], { env: routed });

  expect(result.code).toBe(0);
  expect(result.stdout).toContain('the minus sign is the bug');
  expect(result.stderr).toContain('model for coder: coder-big: largest context among local models');
  expect(result.stderr).toMatch(
    /! model for coder: coder-big stopped answering \(.+\); coder-small:/,
  );
  const body = backup.chatRequests[0]?.body as { messages: { role: string }[] };
  expect(body.messages.map((message) => message.role)).toEqual([
    'system',
    'user',
    'assistant',
    'tool',
  ]);

  const sessionId = sessionOf(result.stderr);
  const routes = await routesOf(sessionId);
  expect(routes.map((route) => [route.model, route.trigger])).toEqual([
    ['coder-big', 'first'],
    ['coder-small', 'unavailable'],
  ]);
  expect(routes[1]).toMatchObject({
    step: 1,
    location: backup.baseUrl,
    fallbackFrom: { model: 'coder-big' },
  });
  const shown = await cli.run(['sessions', 'show', sessionId]);
  expect(shown.stdout).toMatch(
    /route\s+coder-big → coder-small for coder .* unavailable: coder-big stopped answering/,
  );
});

it('a server stopped between runs: the resumed session falls back and records why', async () => {
  configure(bothLocal());
  cli.server.push(reply().text('First answer.'));
  const first = await cli.run(['run', 'say something'], { env: routed });
  expect(first.code).toBe(0);
  const sessionId = sessionOf(first.stderr);

  await cli.server.close();
  backup.push(reply().text('Second answer, from the backup.'));
  const resumed = await cli.run(['sessions', 'resume', sessionId, 'and again'], { env: routed });

  expect(resumed.code).toBe(0);
  expect(resumed.stdout).toContain('Second answer, from the backup.');
  const routes = await routesOf(sessionId);
  expect(routes.map((route) => [route.model, route.trigger])).toEqual([
    ['coder-big', 'first'],
    ['coder-small', 'unavailable'],
  ]);
  expect(String(routes[1]?.reason)).toContain(
    'coder-big stopped answering (No model server is reachable',
  );
});

it('a local-only project never contacts a remote model, with or without the router', async () => {
  const recorder = fileURLToPath(new URL('./support/record-connections.mjs', import.meta.url));
  const connectionLog = join(logs, 'connections.log');
  const recording = {
    NODE_OPTIONS: `--import=${recorder}`,
    OUTPOST_TEST_CONNECTION_LOG: connectionLog,
  };
  mkdirSync(join(cli.workspace.root, '.outpost'));
  writeFileSync(
    join(cli.workspace.root, '.outpost', 'settings.json'),
    JSON.stringify({ router: { policy: 'local-only' } }),
  );
  configure({
    policy: 'any',
    models: [
      { name: 'cloud-70b', baseUrl: 'http://10.255.255.1:8080/v1', roles: ['coder'] },
      { name: 'coder-small', baseUrl: backup.baseUrl },
    ],
  });
  backup.push(reply().text('Answered locally.'));

  const result = await cli.run(['run', 'hello'], { env: { ...routed, ...recording } });

  expect(result.code).toBe(0);
  expect(result.stdout).toContain('Answered locally.');
  expect(result.stderr).toContain(
    'Left out as remote (local-only, from .outpost/settings.json): cloud-70b (http://10.255.255.1:8080/v1).',
  );
  const connections = readFileSync(connectionLog, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
  expect(connections.length).toBeGreaterThan(0);
  for (const line of connections) expect(line).toMatch(/^(127\.0\.0\.1|localhost|::1) \d+$/);

  // Naming the remote server directly is refused too, before any connection, saying why.
  writeFileSync(connectionLog, '');
  const named = await cli.run(['run', '--base-url', 'http://10.255.255.1:8080/v1', 'hello'], {
    env: recording,
  });
  expect(named.code).toBe(2);
  expect(named.stderr).toContain(
    'This project is local-only (.outpost/settings.json), so its code is not sent to the model server at http://10.255.255.1:8080/v1.',
  );
  expect(readFileSync(connectionLog, 'utf8')).toBe('');
});
