import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reply } from '@outpost/test-kit';
import { expect, it } from 'vitest';
import { useCliFixture } from './support/fixture.js';

const cli = useCliFixture({
  files: {
    'billing/invoice.py':
      'class InvoiceTotals:\n    def compute_tax(self, amount):\n        return amount * 0.2\n',
  },
});

interface JsonEvent {
  type: string;
  [key: string]: unknown;
}
const eventsOf = (stdout: string): JsonEvent[] =>
  stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as JsonEvent);

/** The messages of the model request at `index`, as the fake server recorded them. */
function messagesOf(index: number): { role: string; content: string }[] {
  const body = cli.server.chatRequests[index]?.body as
    { messages: { role: string; content: string }[] } | undefined;
  return body?.messages ?? [];
}

/** The `<context>` block at the tail of the last message of request `index`. */
function contextOf(index: number): string {
  const last = messagesOf(index).at(-1)?.content ?? '';
  return /\n\n<context>\n([\s\S]*)\n<\/context>$/.exec(last)?.[1] ?? '';
}

it('a run indexes the project first and sends a repository map of the relevant files; the next run re-reads only what changed', async () => {
  cli.server.push(
    reply().toolCall('search_code', { pattern: 'the tax amount' }),
    reply().text('compute_tax is in billing/invoice.py.'),
  );
  const first = await cli.run([
    'run',
    '--json',
    '--approval',
    'read-only',
    'compute_tax gives the wrong amount',
  ]);
  expect(first.code).toBe(0);
  // No `outpost index build` ran: the session built the index before its first request.
  expect(eventsOf(first.stdout).filter((event) => event.type === 'index.updated')).toEqual([
    expect.objectContaining({ files: 3, indexed: 3, unchanged: 0, removed: 0 }),
  ]);
  const map = contextOf(0);
  expect(map).toContain('Repository map');
  expect(map.split('Repository map')[1]?.split('\n').slice(1, 4)).toEqual([
    'billing/invoice.py',
    '  class InvoiceTotals L1-3',
    '    method compute_tax L2-3',
  ]);
  expect(messagesOf(0)[0]?.role).toBe('system');
  expect(messagesOf(0)[0]?.content).not.toContain('Repository map');
  // No line has the words as written; search_code names the file the index ranks for them.
  expect(cli.lastMessageOf(1)).toMatch(
    /No matches for "the tax amount".*\nFiles the code index ranks as related \(best first; why; best places\):\nbilling\/invoice\.py \([^)]*words[^)]*\): L1-3 InvoiceTotals, compute_tax$/,
  );
  expect((await cli.run(['index', 'status'])).stdout).toMatch(/State +up to date/);

  // One file changes between runs: the next run reads only that one again.
  writeFileSync(
    join(cli.workspace.root, 'calc.py'),
    'def add(a, b):\n    return a + b\n\n\ndef multiply(a, b):\n    return a * b\n',
  );
  cli.server.push(reply().text('multiply is in calc.py.'));
  const second = await cli.run(['run', '--json', '--approval', 'read-only', 'where is multiply?']);
  expect(second.code).toBe(0);
  expect(eventsOf(second.stdout).filter((event) => event.type === 'index.updated')).toEqual([
    expect.objectContaining({ files: 3, indexed: 1, unchanged: 2, removed: 0 }),
  ]);
  expect(contextOf(2)).toMatch(/^calc\.py\n {2}function add L1-2\n {2}function multiply L5-6$/m);
});

it('--no-index neither builds the index nor sends a map', async () => {
  cli.server.push(reply().text('Done.'));
  const result = await cli.run([
    'run',
    '--json',
    '--no-index',
    '--approval',
    'read-only',
    'compute_tax gives the wrong amount',
  ]);
  expect(result.code).toBe(0);
  expect(eventsOf(result.stdout).some((event) => event.type.startsWith('index.'))).toBe(false);
  expect(contextOf(0)).not.toContain('Repository map');
  expect(contextOf(0)).toContain('Git status: clean');
  expect((await cli.run(['index', 'status'])).stdout).toMatch(/has no index yet/);
});
