import { reply } from '@outpost/test-kit';
import { expect, it } from 'vitest';
import { useCliFixture } from './support/fixture.js';

const cli = useCliFixture();

it('search_code tells the model where an identifier is defined, from the code index it keeps up to date', async () => {
  cli.server.push(
    reply().toolCall('search_code', { pattern: 'add' }),
    reply().toolCall('search_code', { pattern: 'sum of two numbers' }),
    reply().text('It is in calc.py.'),
  );
  const result = await cli.run(['run', '--approval', 'read-only', 'where is add defined?']);
  expect(result.code).toBe(0);
  expect(cli.lastMessageOf(1)).toMatch(/^Defined at: calc\.py:1 \(function add\)\n/);
  expect(cli.lastMessageOf(2)).toMatch(/No matches for "sum of two numbers"/);

  // The index was built on first use and is kept: a later run finds it up to date.
  const status = await cli.run(['index', 'status']);
  expect(status.stdout).toMatch(/State +up to date/);
});
