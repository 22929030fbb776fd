import { describe, expect, it } from 'vitest';
import { memoryTerms, rankMemory } from './memory-recall.js';
import type { MemoryRecord } from './memory-types.js';

let counter = 0;
function record(fields: Partial<MemoryRecord>): MemoryRecord {
  counter += 1;
  return {
    id: `0197000${counter}-0000-7000-8000-000000000000`,
    title: 'Untitled',
    body: 'Nothing in particular.',
    kind: 'fact',
    tags: [],
    paths: [],
    links: [],
    status: 'accepted',
    provenance: { user: 'u', device: 'd', createdAt: 1 },
    updatedAt: 1,
    conflicted: false,
    deleted: false,
    ...fields,
  };
}

const titles = (hits: { record: MemoryRecord }[]) => hits.map((hit) => hit.record.title);

describe('memoryTerms', () => {
  it('splits identifiers, keeps them whole too, folds plurals and drops stop words', () => {
    expect(memoryTerms('The parseHTTPResponse of snake_case_name and migrations')).toEqual([
      'parsehttpresponse',
      'parse',
      'http',
      'response',
      'snake_case_name',
      'snake',
      'case',
      'name',
      'migration',
    ]);
  });
});

describe('rankMemory', () => {
  it('ranks a title match above a body match, and leaves out records that match nothing', () => {
    const records = [
      record({
        title: 'Flaky network tests',
        body: 'Retry once; the fixture server starts slowly.',
      }),
      record({
        title: 'Release checklist',
        body: 'Bump the version, then tag. Network is needed.',
      }),
      record({ title: 'Indentation', body: 'Two spaces everywhere.' }),
    ];
    expect(titles(rankMemory(records, 'network', { limit: 10 }))).toEqual([
      'Flaky network tests',
      'Release checklist',
    ]);
    expect(rankMemory(records, 'the of and', { limit: 10 })).toEqual([]);
    expect(rankMemory(records, '', { limit: 10 })).toEqual([]);
  });

  it('finds identifiers by their words and words by identifiers', () => {
    const records = [
      record({ title: 'Config loading', body: 'Call `loadConfigFile` once at start-up.' }),
      record({ title: 'Parsing', body: 'The parser is hand-written.' }),
    ];
    expect(titles(rankMemory(records, 'config file', { limit: 10 }))).toEqual(['Config loading']);
    expect(titles(rankMemory(records, 'loadConfigFile', { limit: 10 }))).toEqual([
      'Config loading',
    ]);
    expect(titles(rankMemory(records, 'parsers', { limit: 10 }))).toEqual(['Parsing']);
  });

  it('weights tags between title and body', () => {
    const filler = 'one two three four five six seven eight nine ten eleven twelve thirteen';
    const records = [
      record({ title: 'A', body: `${filler} flaky` }),
      record({ title: 'B', body: `${filler} fourteen`, tags: ['flaky'] }),
      record({ title: 'flaky C', body: `${filler} fourteen` }),
    ];
    expect(titles(rankMemory(records, 'flaky', { limit: 10 }))).toEqual(['flaky C', 'B', 'A']);
  });

  it('boosts records about the same file above the same directory above the rest', () => {
    const body = 'Keep the store writes inside one transaction.';
    const records = [
      record({ title: 'Unrelated path', body, paths: ['docs/guide.md'] }),
      record({ title: 'Same directory', body, paths: ['packages/core/src/store/op-log.ts'] }),
      record({ title: 'Containing directory', body, paths: ['packages/core/src/store'] }),
      record({ title: 'Same file', body, paths: ['packages/core/src/store/materialize.ts'] }),
      record({ title: 'No paths', body }),
    ];
    const context = { paths: ['./packages/core/src/store/materialize.ts'] };
    const hits = rankMemory(records, 'store transaction', { context, limit: 10 });
    expect(titles(hits).slice(0, 3)).toEqual([
      'Same file',
      expect.stringMatching(/^(Same|Containing) directory$/) as string,
      expect.stringMatching(/^(Same|Containing) directory$/) as string,
    ]);
    expect(hits[1]?.score).toBeCloseTo(hits[2]?.score ?? 0);
    expect(hits[1]?.score).toBeGreaterThan(hits[3]?.score ?? 0);
    expect(hits[3]?.score).toBeCloseTo(hits[4]?.score ?? 0);
    // Without words, the paths alone find the records about the current files.
    expect(titles(rankMemory(records, '', { context, limit: 10 })).slice(0, 1)).toEqual([
      'Same file',
    ]);
    expect(rankMemory(records, '', { context, limit: 10 })).toHaveLength(3);
  });

  it('boosts records that mention the symbols of the current work', () => {
    const records = [
      record({ title: 'Rules files', body: 'Rules files are read once per session.' }),
      record({
        title: 'Rules files are capped',
        body: 'loadProjectRules cuts the rules at PROJECT_RULES_CAP bytes.',
      }),
    ];
    expect(titles(rankMemory(records, 'rules files', { limit: 10 }))[0]).toBe('Rules files');
    const hits = rankMemory(records, 'rules files', {
      context: { symbols: ['loadProjectRules', 'LoadProjectRules', 'prompt.PROJECT_RULES_CAP'] },
      limit: 10,
    });
    expect(titles(hits)).toEqual(['Rules files are capped', 'Rules files']);
  });

  it('breaks ties by the most recent change and honours the limit', () => {
    const records = [
      record({ title: 'old', body: 'cache', updatedAt: 1 }),
      record({ title: 'new', body: 'cache', updatedAt: 2 }),
    ];
    expect(titles(rankMemory(records, 'cache', { limit: 10 }))).toEqual(['new', 'old']);
    expect(titles(rankMemory(records, 'cache', { limit: 1 }))).toEqual(['new']);
  });
});
