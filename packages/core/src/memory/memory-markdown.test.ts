import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryError } from '../errors/memory-error.js';
import {
  createFakeClock,
  createTemporaryDirectory,
  TEST_KEY,
  type TemporaryDirectory,
} from '../store/__fixtures__/store-fixtures.js';
import { openStore } from '../store/store.js';
import { formatMemoryMarkdown, parseMemoryMarkdown } from './memory-markdown.js';
import type { MemoryRecord } from './memory-types.js';

const record: MemoryRecord = {
  id: '01973a6e-7d2c-7000-8000-0000000000aa',
  title: 'Use pnpm, not npm',
  body: 'The lock file is `pnpm-lock.yaml`.\n\n## Why\n\n```sh\npnpm install\n```',
  kind: 'convention',
  tags: ['build', 'tooling'],
  paths: ['package.json', 'docs/a b, c.md'],
  links: [{ type: 'commit', id: '1a2b3c4d' }],
  status: 'accepted',
  provenance: {
    user: 'u-1',
    device: 'd-1',
    session: 's-1',
    model: 'ollama/qwen3-coder:30b',
    createdAt: Date.UTC(2025, 5, 1, 12),
  },
  updatedAt: Date.UTC(2025, 5, 2, 9, 30),
  conflicted: false,
  deleted: false,
};

describe('formatMemoryMarkdown', () => {
  it('writes one section per record with every field and a fence longer than any in the body', () => {
    expect(formatMemoryMarkdown([record], { projectRoot: '/src/app' })).toBe(
      [
        '# Project memory',
        '',
        '<!-- Outpost memory export, format 1: 1 record of /src/app.',
        '     Import with: outpost memory add --file <this file> (new ids; your own provenance). -->',
        '',
        '## Use pnpm, not npm',
        '',
        '- id: 01973a6e-7d2c-7000-8000-0000000000aa',
        '- kind: convention',
        '- status: accepted',
        '- tags: build, tooling',
        '- paths: `package.json`, `docs/a b, c.md`',
        '- links: commit 1a2b3c4d',
        '- created: 2025-06-01T12:00:00.000Z',
        '- user: u-1',
        '- device: d-1',
        '- session: s-1',
        '- model: ollama/qwen3-coder:30b',
        '- updated: 2025-06-02T09:30:00.000Z',
        '',
        '````markdown',
        record.body,
        '````',
        '',
      ].join('\n'),
    );
  });
});

describe('parseMemoryMarkdown', () => {
  it('reads back what it wrote, whatever the body holds', () => {
    const tricky: MemoryRecord = {
      ...record,
      title: '## not a heading inside',
      body: '- kind: fact\n## Heading\n\n`````\nfive\n`````\n<!-- comment -->\n\tindented',
      tags: [],
      paths: [],
      links: [],
      status: 'retired',
    };
    const text = formatMemoryMarkdown([record, tricky], { projectRoot: '/src/app' });
    expect(parseMemoryMarkdown(text)).toEqual(
      [record, tricky].map(({ title, body, kind, tags, paths, links, status }) => ({
        title,
        body,
        kind,
        tags,
        paths,
        links,
        status,
      })),
    );
  });

  it('reads a hand-written file: status defaults to accepted, plain comma-separated paths', () => {
    const text = [
      'Notes for the team.',
      '',
      '## Retry flaky network tests once',
      '- kind: fix',
      '- paths: tests/net.test.ts, tests/fixtures',
      '',
      '```markdown',
      'The fixture server starts slowly.',
      '```',
    ].join('\r\n');
    expect(parseMemoryMarkdown(text)).toEqual([
      {
        title: 'Retry flaky network tests once',
        body: 'The fixture server starts slowly.',
        kind: 'fix',
        status: 'accepted',
        tags: [],
        paths: ['tests/net.test.ts', 'tests/fixtures'],
        links: [],
      },
    ]);
  });

  const broken: [string, string, RegExp][] = [
    ['no records', '# Project memory\n\nnothing here\n', /no records found/],
    [
      'an unknown field',
      '## T\n- colour: red\n```markdown\nb\n```',
      /line 2: unknown field "colour"/,
    ],
    [
      'a field given twice',
      '## T\n- kind: fix\n- kind: fact\n```markdown\nb\n```',
      /line 3: .*twice/,
    ],
    ['no body', '## T\n- kind: fix\n\n## U\n```markdown\nb\n```', /line 1: record "T" has no body/],
    [
      'an unclosed fence',
      '## T\n````markdown\nbody\n```\n',
      /line 2: the body's ```` fence is never closed/,
    ],
    [
      'stray text',
      '## T\n- kind: fix\nsome prose\n```markdown\nb\n```',
      /line 3: expected a "- name: value"/,
    ],
    ['text after the body', '## T\n```markdown\nb\n```\nmore\n', /line 5: expected/],
  ];

  it.each(broken)('refuses %s, naming the line', (_, text, message) => {
    expect(() => parseMemoryMarkdown(text)).toThrow(MemoryError);
    expect(() => parseMemoryMarkdown(text)).toThrow(message);
  });
});

describe('export and import', () => {
  let directory: TemporaryDirectory;
  beforeEach(() => {
    directory = createTemporaryDirectory();
  });
  afterEach(() => directory.remove());

  it('re-creates the records of an export in another store: same fields, new ids and provenance', () => {
    const clock = createFakeClock(Date.UTC(2025, 5, 1));
    const source = openStore({
      path: join(directory.path, 'a.db'),
      keyHex: TEST_KEY,
      now: clock.now,
    });
    const target = openStore({
      path: join(directory.path, 'b.db'),
      keyHex: TEST_KEY,
      now: clock.now,
    });
    try {
      const options = { projectRoot: '/src/app', commitExists: () => true };
      const memory = source.memory(options);
      const { title, body, kind, tags, paths, links } = record;
      const draft = { title, body, kind, tags, paths, links };
      memory.add({ ...draft, status: 'proposed' });
      const second = memory.add({
        ...draft,
        title: 'Second',
        body: 'x\n```\ny',
        kind: 'todo',
        status: 'accepted',
      });
      memory.setStatus(second.id, 'retired');
      const exported = memory.list();
      clock.advance(60_000);
      const imported = target
        .memory(options)
        .addAll(parseMemoryMarkdown(formatMemoryMarkdown(exported, { projectRoot: '/src/app' })));
      const comparable = ({ id: _, provenance: __, updatedAt: ___, ...rest }: MemoryRecord) => rest;
      expect(imported.map(comparable)).toEqual(exported.map(comparable));
      for (const [index, copy] of imported.entries()) {
        expect(copy.id).not.toBe(exported[index]?.id);
        expect(copy.provenance).toEqual({
          user: target.userSpace.slice('user:'.length),
          device: target.deviceId,
          createdAt: clock.now(),
        });
      }
    } finally {
      source.close();
      target.close();
    }
  });
});
