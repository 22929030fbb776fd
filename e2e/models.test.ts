import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fixtureModelPath } from '@outpost/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { createWorkspace } from './support/project.js';
import type { E2eWorkspace } from './support/project.js';

const fixture = fixtureModelPath();
const fixtureBytes = readFileSync(fixture);
const fixtureSha = createHash('sha256').update(fixtureBytes).digest('hex');

let workspace: E2eWorkspace;
beforeEach(() => {
  workspace = createWorkspace();
});
afterEach(() => workspace.cleanup());

const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runCli(args, { cwd: workspace.root, env: { OUTPOST_HOME: workspace.home, ...env } });

/** A stand-in download site on loopback serving the fixture GGUF (no Range support needed here). */
async function startDownloadSite(): Promise<{
  url: string;
  requests: number;
  close(): Promise<void>;
}> {
  const site = { url: '', requests: 0, close: () => Promise.resolve() };
  const server = createServer((request, response) => {
    site.requests += 1;
    if (request.url !== '/models/stories.gguf') {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(fixtureBytes.length),
      etag: '"v1"',
    });
    response.end(fixtureBytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  site.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/models/stories.gguf`;
  site.close = () => new Promise((resolve) => server.close(() => resolve()));
  return site;
}

describe('outpost models', () => {
  it('adds a GGUF by path, lists it with its context size and tool protocol, and tests its speed', async () => {
    const added = await run(['models', 'add', fixture, '--name', 'stories']);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('Added stories:');
    expect(added.stdout).toMatch(/llama, trained context 2,048 tokens, 1\.19 MB/);

    const listed = await run(['models', 'list']);
    expect(listed.code).toBe(0);
    const line = listed.stdout.split('\n').find((row) => row.startsWith('stories '));
    expect(line).toMatch(/in-process \(added\)\s+2,048\s+1\.19 MB\s+constrained/);
    expect(listed.stdout).toMatch(/Not running: .*llama\.cpp server \(127\.0\.0\.1:8080\)/);

    const json = await run(['models', 'list', '--json']);
    const entry = JSON.parse(json.stdout.trim().split('\n')[0] ?? '{}') as Record<string, unknown>;
    expect(entry).toMatchObject({
      kind: 'file',
      name: 'stories',
      contextWindow: 2048,
      toolProtocol: 'constrained',
    });

    const tested = await run(['models', 'test', 'stories']);
    expect(tested.code).toBe(0);
    expect(tested.stdout).toMatch(/Context: +2,048 tokens · tool calls: constrained/);
    expect(tested.stdout).toMatch(/Prompt: +\d+ tokens in [\d.]+ s → [\d,]+ tokens\/s/);
    expect(tested.stdout).toMatch(/Generation: +\d+ tokens in [\d.]+ s → [\d,]+ tokens\/s/);
  });

  it('refuses a file that is not a GGUF, and changes nothing', async () => {
    const result = await run(['models', 'add', join(workspace.root, 'calc.py')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/calc\.py is not a readable GGUF model/);
    expect(existsSync(join(workspace.home, 'models.json'))).toBe(false);
  });

  it('pulls a GGUF from a URL into the models folder, verified, then uses it by name', async () => {
    const site = await startDownloadSite();
    try {
      const pulled = await run(['models', 'pull', site.url, '--sha256', fixtureSha]);
      expect(pulled.code).toBe(0);
      expect(pulled.stdout).toContain('Downloaded and verified (sha256)');
      expect(pulled.stderr).toMatch(/100% 1\.19 MB \/ 1\.19 MB/);
      const folder = join(workspace.home, 'models');
      expect(readdirSync(folder)).toEqual(['stories.gguf']);
      expect(
        createHash('sha256')
          .update(readFileSync(join(folder, 'stories.gguf')))
          .digest('hex'),
      ).toBe(fixtureSha);

      const again = await run(['models', 'pull', site.url]);
      expect(again.stdout).toContain('Already downloaded');
      expect(site.requests).toBe(1);

      const listed = await run(['models', 'list']);
      expect(listed.stdout).toMatch(/stories +in-process \(models folder\)/);
    } finally {
      await site.close();
    }
  });

  it('resumes an interrupted pull where it stopped; meanwhile nothing looks like a model', async () => {
    let served = 0;
    const ranges: string[] = [];
    const server = createServer((request, response) => {
      served += 1;
      const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
      ranges.push(request.headers.range ?? 'none');
      const start = range ? Number(range[1]) : 0;
      const body = fixtureBytes.subarray(start);
      response.writeHead(range ? 206 : 200, {
        'content-length': String(body.length),
        etag: '"v1"',
        ...(range
          ? { 'content-range': `bytes ${start}-${fixtureBytes.length - 1}/${fixtureBytes.length}` }
          : {}),
      });
      if (served === 1) {
        // The connection drops half way through the first download.
        response.write(body.subarray(0, 500_000), () => response.destroy());
        return;
      }
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/stories.gguf`;
    try {
      const first = await run(['models', 'pull', url, '--sha256', fixtureSha]);
      expect(first.code).not.toBe(0);
      const folder = join(workspace.home, 'models');
      expect(readdirSync(folder).filter((name) => name.endsWith('.gguf'))).toEqual([]);
      expect(readdirSync(folder).some((name) => name.startsWith('.stories.gguf.partial'))).toBe(
        true,
      );
      const listed = await run(['models', 'list']);
      expect(listed.stdout).not.toMatch(/^stories /m);

      const second = await run(['models', 'pull', url, '--sha256', fixtureSha]);
      expect(second.code).toBe(0);
      expect(second.stderr).toMatch(/Resuming after [\d.]+ kB/);
      expect(second.stdout).toContain('Downloaded and verified (sha256)');
      expect(ranges[0]).toBe('none');
      expect(ranges[1]).toMatch(/^bytes=\d+-$/);
      expect(readdirSync(folder)).toEqual(['stories.gguf']);
      expect(readFileSync(join(folder, 'stories.gguf')).equals(fixtureBytes)).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses a checksum mismatch and leaves nothing that looks like a model', async () => {
    const site = await startDownloadSite();
    try {
      const result = await run(['models', 'pull', site.url, '--sha256', '0'.repeat(64)]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(
        /has SHA-256 [0-9a-f]{64}, not the expected 0{64}, so it was deleted/,
      );
      const folder = join(workspace.home, 'models');
      const left = existsSync(folder) ? readdirSync(folder) : [];
      expect(left.filter((name) => name.endsWith('.gguf'))).toEqual([]);
    } finally {
      await site.close();
    }
  });

  it('says clearly when the download site is unreachable, and when offline', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const closed = await run(['models', 'pull', `http://127.0.0.1:${closedPort}/m/model.gguf`]);
    expect(closed.code).not.toBe(0);
    expect(closed.stderr).toMatch(/unreachable.*may be offline.*outpost models add PATH/s);

    const offline = await run(['models', 'pull', '--offline', 'qwen2.5-coder-1.5b']);
    expect(offline.code).toBe(2);
    expect(offline.stderr).toMatch(/Outpost is offline.*did not connect to huggingface\.co/);

    const unknown = await run(['models', 'pull', 'no-such-model']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/qwen2\.5-coder-1\.5b/);
  });
});
