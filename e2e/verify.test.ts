import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reply } from '@outpost/test-kit';
import { describe, expect, it } from 'vitest';
import { useCliFixture } from './support/fixture.js';

const cli = useCliFixture({ models: ['coder-7b'], autoPickModel: true });

const wrongFix = () =>
  reply().toolCall('edit_file', {
    path: 'calc.py',
    search: 'return a - b',
    replace: 'return a * b',
  });

function writeConfig(config: unknown): void {
  mkdirSync(cli.workspace.home, { recursive: true });
  writeFileSync(join(cli.workspace.home, 'config.json'), JSON.stringify(config));
}

describe('outpost run checks the model’s changes', () => {
  it('runs the test after a wrong fix, sends the failure back, and accepts the second attempt', async () => {
    writeConfig({ verify: { test: 'python3 test_calc.py' } });
    cli.server.push(
      wrongFix(),
      reply().text('Fixed add().'),
      reply().toolCall('edit_file', {
        path: 'calc.py',
        search: 'return a * b',
        replace: 'return a + b',
      }),
      reply().text('Fixed add() for real: it returns a + b.'),
      reply().text('Nothing to remember.'),
    );

    const result = await cli.run(['run', '--approval', 'full-auto', 'fix the failing test']);

    expect(result.code).toBe(0);
    expect(cli.workspace.read('calc.py')).toBe('def add(a, b):\n    return a + b\n');
    expect(result.stderr).toContain('→ checking the changes: python3 test_calc.py');
    expect(result.stderr).toMatch(
      /✗ python3 test_calc\.py failed \(exit 1, [\d.]+ s\) · sent back to the model, check 1 of 2/,
    );
    expect(result.stderr).toMatch(/✓ python3 test_calc\.py passed/);
    const third = cli.server.chatRequests[2]?.body as { messages: { content: string }[] };
    expect(third.messages.at(-1)?.content).toContain('add(2, 3) should be 5');

    const [line] = (await cli.run(['sessions', 'list', '--json'])).stdout.trim().split('\n');
    const { id } = JSON.parse(line ?? '{}') as { id: string };
    const shown = await cli.run(['sessions', 'show', id.slice(0, 8)]);
    expect(shown.stdout).toMatch(/check\s+python3 test_calc\.py · ✗ failed \(check 1 of 2\)/);
  });

  it('stops as failed when the rounds run out, and --no-verify accepts the answer as it is', async () => {
    writeConfig({ verify: { test: 'python3 test_calc.py', rounds: 1 } });
    cli.server.push(wrongFix(), reply().text('Fixed add().'), reply().text('Nothing to remember.'));

    const failed = await cli.run(['run', '--approval', 'full-auto', 'fix the failing test']);

    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('`python3 test_calc.py` still fails after 1 round of fixes');

    cli.server.push(
      reply().toolCall('edit_file', {
        path: 'calc.py',
        search: 'return a * b',
        replace: 'return a / b',
      }),
      reply().text('Changed it again.'),
      reply().text('Nothing to remember.'),
    );
    const unchecked = await cli.run([
      'run',
      '--approval',
      'full-auto',
      '--no-verify',
      'try division',
    ]);

    expect(unchecked.code).toBe(0);
    expect(unchecked.stderr).not.toContain('checking the changes');
  });
});
