import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtureModelPath, reply } from '@outpost/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useCliFixture } from './support/fixture.js';

const recorder = fileURLToPath(new URL('./support/record-connections.mjs', import.meta.url));

let logs: string;
beforeEach(() => {
  logs = mkdtempSync(join(tmpdir(), 'outpost-connections-'));
});
afterEach(() => rmSync(logs, { recursive: true, force: true }));

/** Environment that records every connection the CLI attempts and every heavy module it imports. */
function recording(): NodeJS.ProcessEnv {
  return {
    NODE_OPTIONS: `--import=${recorder}`,
    OUTPOST_TEST_CONNECTION_LOG: join(logs, 'connections.log'),
    OUTPOST_TEST_MODULE_LOG: join(logs, 'modules.log'),
  };
}
const connections = () =>
  readFileSync(join(logs, 'connections.log'), 'utf8')
    .split('\n')
    .filter((line) => line !== '');
const moduleImports = () =>
  readFileSync(join(logs, 'modules.log'), 'utf8')
    .split('\n')
    .filter((line) => line !== '');
const llamaImports = () => moduleImports().filter((line) => line.includes('node-llama-cpp'));
const indexImports = () => moduleImports().filter((line) => !line.includes('node-llama-cpp'));

describe('offline', () => {
  const cli = useCliFixture();

  it('a whole `outpost run --offline` connects only to this machine', async () => {
    cli.server.push(
      reply().toolCall('read_file', { path: 'calc.py' }),
      reply().toolCall('edit_file', { path: 'calc.py', search: 'a - b', replace: 'a + b' }),
      reply().toolCall('run_command', { command: 'python3 test_calc.py' }),
      reply().text('Fixed.'),
      // The end-of-session reflection (the run changed code).
      reply().text('Nothing to remember.'),
    );
    const result = await cli.run(['run', '--offline', '--approval', 'full-auto', 'fix calc'], {
      env: recording(),
    });
    expect(result.code).toBe(0);
    // A session indexes its project before the first turn (locally: no connection for that).
    expect(indexImports()).toContain('@outpost/core/code-index');
    const seen = connections();
    expect(seen.length).toBeGreaterThan(0);
    for (const line of seen) expect(line).toMatch(/^(127\.0\.0\.1|localhost|::1) \d+$/);
  });

  it('refuses a model server on another machine before connecting, and says why', async () => {
    const result = await cli.run(
      ['run', '--offline', '--base-url', 'http://10.255.255.1:8080/v1', 'fix calc'],
      { env: { ...recording(), OUTPOST_OFFLINE: '' } },
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /Outpost is offline \(--offline or OUTPOST_OFFLINE=1\), so it did not connect to 10\.255\.255\.1:8080/,
    );
    expect(connections()).toEqual([]);
  });

  it('OUTPOST_OFFLINE=1 does the same as --offline', async () => {
    const result = await cli.run(['run', 'fix calc'], {
      env: {
        ...recording(),
        OUTPOST_OFFLINE: '1',
        OUTPOST_BASE_URL: 'https://models.example.com/v1',
      },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('did not connect to models.example.com');
    expect(connections()).toEqual([]);
  });

  it('without any configuration, a run on an in-process GGUF opens no connection at all', async () => {
    const result = await cli.run(
      ['run', '--model', fixtureModelPath(), '--approval', 'read-only', '--max-steps', '1', 'hi'],
      { env: { ...recording(), OUTPOST_BASE_URL: '', OUTPOST_MODEL: '' } },
    );
    expect(result.stderr).not.toMatch(/unexpected error/);
    expect(llamaImports().length).toBeGreaterThan(0);
    expect(connections()).toEqual([]);
  });

  it('commands that run no session never load node-llama-cpp or the code index', async () => {
    for (const args of [['--version'], ['sessions', 'list'], ['--help']]) {
      const result = await cli.run(args, { env: recording() });
      expect(result.code).toBe(0);
    }
    expect(moduleImports()).toEqual([]);
    expect(connections()).toEqual([]);
  });
});
