import { reply } from '@outpost/test-kit';
import { expect, it } from 'vitest';
import { useCliFixture } from './support/fixture.js';
import { BUGGY_CALC } from './support/project.js';

const cli = useCliFixture();

it('stops a model that repeats one call, says why, and keeps the trail', async () => {
  cli.server.push(
    ...Array.from({ length: 10 }, () => reply().toolCall('read_file', { path: 'calc.py' })),
  );
  const result = await cli.run(['run', '--approval', 'full-auto', 'fix add']);

  expect(result.code).toBe(1);
  // Two warnings, then the stop: five model calls, not the step limit's forty.
  expect(cli.server.chatRequests).toHaveLength(5);
  expect(result.stderr).toContain(
    '! read_file calc.py gave the same result 3 times: told the model to do something else',
  );
  expect(result.stderr).toContain(
    '! read_file calc.py gave the same result 4 times: told the model to change its approach (second warning)',
  );
  expect(result.stderr).toMatch(
    /✗ stuck: Stopped the run: read_file calc\.py gave the same result 5 times, even after two warnings\. The model is going in circles; resume the session with a hint of what to do next \(outpost sessions resume [0-9a-f]{8} "<hint>"\), or try a larger model\./,
  );
  expect(cli.lastMessageOf(3)).toContain(
    'Outpost: You have called read_file on calc.py 3 times and got the same result each time;',
  );
  expect(cli.workspace.read('calc.py')).toBe(BUGGY_CALC);

  const list = await cli.run(['sessions', 'list']);
  expect(list.stdout).toMatch(/^[0-9a-f]{8} {2}\S+ \S+ {2}stuck\s+fake-model {2}fix add$/m);
  const id = list.stdout.slice(0, 8);
  const shown = await cli.run(['sessions', 'show', id]);
  expect(shown.stdout).toContain('(stuck)');
  expect(shown.stdout).toMatch(
    /guard +note: read_file calc\.py gave the same result 3 times: told the model/,
  );
  expect(shown.stdout).toMatch(/guard +stop: Stopped the run: read_file calc\.py/);
  expect(shown.stdout).toMatch(/error +stuck: Stopped the run/);
});
