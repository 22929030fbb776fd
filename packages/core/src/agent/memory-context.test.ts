import { describe, expect, it } from 'vitest';
import { createInMemoryMemoryStore } from '../memory/__fixtures__/in-memory-memory-store.js';
import { shortMemoryId } from '../memory/memory-short-id.js';
import { describeMemory } from './memory-context.js';

function seeded() {
  const memory = createInMemoryMemoryStore();
  const parser = memory.add({
    kind: 'fix',
    title: 'Parser hangs on empty input',
    body: 'parse_config looped forever on an empty file; it now returns the defaults early.',
    paths: ['src/parser.py'],
    status: 'accepted',
  });
  const dates = memory.add({
    kind: 'convention',
    title: 'Dates are UTC',
    body: 'Every timestamp is stored in UTC and converted only for display.',
    paths: ['src/dates.py'],
    status: 'accepted',
  });
  const retired = memory.add({
    kind: 'decision',
    title: 'Parser returns None on empty input',
    body: 'Superseded by returning the defaults.',
    status: 'accepted',
  });
  memory.setStatus(retired.id, 'retired');
  memory.add({
    kind: 'fact',
    title: 'Parser proposal nobody reviewed',
    body: 'The parser is slow on empty input.',
    status: 'proposed',
  });
  return { memory, parser, dates };
}

describe('describeMemory', () => {
  it('shows the accepted records relevant to the message, one line each, never retired or proposed ones', () => {
    const { memory, parser } = seeded();
    const block = describeMemory({
      memory,
      message: 'the parser hangs when the input is empty',
      tokenBudget: 500,
    });
    expect(block).toBe(
      [
        'Project memory (accepted records that may apply; recall finds more):',
        `- [fix ${shortMemoryId(memory, parser.id)}] Parser hangs on empty input: parse_config looped forever on an empty file; it now returns the defaults early. (src/parser.py)`,
      ].join('\n'),
    );
  });

  it('ranks by the files of the current work and the code names in the message too', () => {
    const { memory, parser, dates } = seeded();
    const byWork = describeMemory({
      memory,
      message: 'tidy this up',
      workPaths: ['src/dates.py'],
      tokenBudget: 500,
    });
    expect(byWork?.split('\n')[1]).toContain(shortMemoryId(memory, dates.id));
    const bySymbol = describeMemory({ memory, message: 'rename parse_config', tokenBudget: 500 });
    expect(bySymbol?.split('\n')[1]).toContain(shortMemoryId(memory, parser.id));
  });

  it('keeps within the budget: the last record that does not fit whole is cut, then the block ends', () => {
    const { memory, parser, dates } = seeded();
    const message = 'parser dates empty input UTC';
    const parserId = shortMemoryId(memory, parser.id);
    const datesId = shortMemoryId(memory, dates.id);
    const heading = 'Project memory (accepted records that may apply; recall finds more):';
    const parserLine = `- [fix ${parserId}] Parser hangs on empty input: parse_config looped forever on an empty file; it now returns the defaults early. (src/parser.py)`;
    expect(describeMemory({ memory, message, tokenBudget: 1000 })).toBe(
      [
        heading,
        parserLine,
        `- [convention ${datesId}] Dates are UTC: Every timestamp is stored in UTC and converted only for display. (src/dates.py)`,
      ].join('\n'),
    );
    expect(describeMemory({ memory, message, tokenBudget: 80 })).toBe(
      [heading, parserLine, `- [convention ${datesId}] Dates are UTC (src/dates.py)`].join('\n'),
    );
    expect(describeMemory({ memory, message, tokenBudget: 40 })).toBe(
      [heading, `- [fix ${parserId}] Parser hangs on empty input (src/parser.py)`].join('\n'),
    );
    for (const tokenBudget of [40, 55, 80, 1000]) {
      const block = describeMemory({ memory, message, tokenBudget }) ?? '';
      const tokens = block
        .split('\n')
        .reduce((sum, line) => sum + Math.ceil((line.length + 1) / 4), 0);
      expect(tokens).toBeLessThanOrEqual(tokenBudget);
    }
    expect(describeMemory({ memory, message, tokenBudget: 15 })).toBeUndefined();
    expect(describeMemory({ memory, message, tokenBudget: 0 })).toBeUndefined();
  });

  it('is undefined when nothing matches', () => {
    const { memory } = seeded();
    expect(describeMemory({ memory, message: 'kubernetes helm chart', tokenBudget: 500 })).toBe(
      undefined,
    );
  });
});
