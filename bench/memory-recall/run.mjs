#!/usr/bin/env node
// bench/memory-recall: how well `MemoryStore.recall` finds the project memory a task needs.
//
// Loads records written by hand from this repository's own history (records.json: decisions,
// conventions and fixes, each citing the commits or decision records it comes from) into a
// temporary store through the real `MemoryStore`, asks `recall` for each later task
// (queries.json, relevant records labelled by hand; the rule is in README.md) and reports
// precision@3 and recall@3: with the words of the task alone, and with the files of the current
// work too, as the agent's per-turn context asks (`recallContextFor`). Also what the per-turn
// context block (`describeMemory`, full profile) would show.
//
//   npm run build && node bench/memory-recall/run.mjs [--json] [--verbose]
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  describeMemory,
  MEMORY_TOKENS,
  openStore,
  recallContextFor,
} from '../../packages/core/dist/index.js';

const { values: flags } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});
const here = (name) => fileURLToPath(new URL(name, import.meta.url));
const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const records = JSON.parse(readFileSync(here('records.json'), 'utf8'));
const queries = JSON.parse(readFileSync(here('queries.json'), 'utf8'));
const K = 3;

/** A commit link is kept only when this clone has the commit (a shallow clone may not). */
const commitExists = (sha) => {
  try {
    execFileSync('git', ['cat-file', '-e', `${sha}^{commit}`], {
      cwd: repositoryRoot,
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
};

const directory = mkdtempSync(join(tmpdir(), 'outpost-memory-recall-'));
const store = openStore({
  path: join(directory, 'outpost.db'),
  keyHex: randomBytes(32).toString('hex'),
});
try {
  const memory = store.memory({ projectRoot: repositoryRoot, commitExists });
  const added = memory.addAll(
    records.map((record) => ({
      kind: record.kind,
      title: record.title,
      body: record.body,
      tags: record.tags,
      paths: record.paths,
      links: commitExists(record.commit) ? [{ type: 'commit', id: record.commit }] : [],
      status: 'accepted',
    })),
  );
  const labelOf = new Map(added.map((record, index) => [record.id, records[index].id]));

  const modes = {
    'task words only': (query) => recallContextFor(query.text),
    'task words + files of the work': (query) => recallContextFor(query.text, query.paths),
  };
  const results = {};
  for (const [mode, contextOf] of Object.entries(modes)) {
    const perQuery = queries.map((query) => {
      const hits = memory.recall(query.text, { context: contextOf(query), limit: K });
      const top = hits.map((hit) => labelOf.get(hit.record.id));
      return score(query, top);
    });
    results[mode] = summarise(perQuery);
  }

  // Baseline: the K latest records, whatever the task (what "show the latest memory" would do).
  // records.json is in history order; the store gives them all one time (one transaction).
  const newest = records.slice(-K).map((record) => record.id);
  results['baseline: the 3 latest records'] = summarise(
    queries.map((query) => score(query, newest)),
  );

  // What the per-turn context would hold (full profile budget, the agent's own cut-off).
  const shown = queries.map((query) => {
    const block =
      describeMemory({
        memory,
        message: query.text,
        workPaths: query.paths,
        tokenBudget: MEMORY_TOKENS.full,
      }) ?? '';
    const ids = [...block.matchAll(/^- \[\w+ ([0-9a-f-]+)\]/gm)].map((match) =>
      labelOf.get(memory.resolveId(match[1])),
    );
    const relevant = ids.filter((id) => query.relevant.includes(id)).length;
    return { query: query.id, shown: ids, relevant };
  });
  const shownTotal = shown.reduce((sum, entry) => sum + entry.shown.length, 0);
  const shownRelevant = shown.reduce((sum, entry) => sum + entry.relevant, 0);
  const context = {
    recordsShownPerTurn: shownTotal / queries.length,
    precision: shownTotal === 0 ? 0 : shownRelevant / shownTotal,
    turnsWithARelevantRecord: shown.filter((entry) => entry.relevant > 0).length / queries.length,
  };

  const ceiling =
    queries.reduce((sum, query) => sum + Math.min(query.relevant.length, K) / K, 0) /
    queries.length;
  const report = {
    records: records.length,
    queries: queries.length,
    relevantLabels: queries.reduce((sum, query) => sum + query.relevant.length, 0),
    ceilingPrecisionAt3: ceiling,
    results,
    context,
  };
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    process.stdout.write(format(report));
    if (flags.verbose) {
      for (const [mode, result] of Object.entries(results)) {
        process.stdout.write(`\n${mode}:\n`);
        for (const entry of result.perQuery) {
          process.stdout.write(
            `  ${entry.query}  P@3 ${entry.precision.toFixed(2)}  R@3 ${entry.recall.toFixed(2)}  top: ${entry.top.join(', ') || '-'}  relevant: ${entry.relevant.join(', ')}\n`,
          );
        }
      }
    }
  }
} finally {
  store.close();
  rmSync(directory, { recursive: true, force: true });
}

function score(query, top) {
  const found = top.filter((id) => query.relevant.includes(id)).length;
  const firstHit = top.findIndex((id) => query.relevant.includes(id));
  return {
    query: query.id,
    top,
    relevant: query.relevant,
    precision: found / K,
    recall: found / query.relevant.length,
    reciprocalRank: firstHit === -1 ? 0 : 1 / (firstHit + 1),
  };
}

function summarise(perQuery) {
  const mean = (key) => perQuery.reduce((sum, entry) => sum + entry[key], 0) / perQuery.length;
  return {
    precisionAt3: mean('precision'),
    recallAt3: mean('recall'),
    mrr: mean('reciprocalRank'),
    perQuery,
  };
}

function format(report) {
  const percent = (value) => `${(value * 100).toFixed(1)}%`;
  const lines = [
    `Memory recall — ${report.records} records, ${report.queries} queries, ${report.relevantLabels} relevance labels (bench/memory-recall)`,
    '',
    `${'mode'.padEnd(34)}${'P@3'.padStart(8)}${'R@3'.padStart(8)}${'MRR'.padStart(8)}`,
  ];
  for (const [mode, result] of Object.entries(report.results)) {
    lines.push(
      `${mode.padEnd(34)}${percent(result.precisionAt3).padStart(8)}${percent(result.recallAt3).padStart(8)}${result.mrr.toFixed(2).padStart(8)}`,
    );
  }
  lines.push('');
  lines.push(
    `P@3 cannot reach 100%: most tasks have fewer than 3 relevant records (best possible ${percent(report.ceilingPrecisionAt3)}).`,
  );
  lines.push(
    `Per-turn context (full profile, ${MEMORY_TOKENS.full} tokens): ${report.context.recordsShownPerTurn.toFixed(1)} records a turn, ${percent(report.context.precision)} of them relevant; ${percent(report.context.turnsWithARelevantRecord)} of turns get at least one relevant record.`,
  );
  return `${lines.join('\n')}\n`;
}
