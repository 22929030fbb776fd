#!/usr/bin/env node
// bench/localize: where in a repository must an issue be fixed? (issue 5)
//
// For each instance of a localisation set (the format of ../shared/bench/localization-dev.jsonl)
// it materialises the tree at `base_commit` (`git archive | tar -x`, cached per commit within the
// run), builds Outpost's code index of it (the built `packages/core/dist/code-index`), ranks the
// files and symbols with the issue text as the query, and scores them next to a plain BM25 over
// whole `.py` files computed here in the same run (path and content tokens, camelCase/snake_case
// split, k1 = 1.2, b = 0.75).
//
// File level: Acc@k = share of instances whose gold files are ALL within the top k; Recall@5 =
// share of gold files within the top 5, averaged over instances. Symbol level: Acc@5 = share of
// instances where one of the top 5 ranked symbols is a gold symbol (same file, and the qualified
// name `Container.name` — or the bare name — equals a gold span name).
//
//   npm run build && node bench/localize/run.mjs --repos /work/bench-repos [--limit N]
//     [--repo owner/name] [--instances FILE.jsonl] [--json] [--without signal,signal]
//     [--work DIR (keep trees and indexes for re-runs)] [--verbose (top 5 of each miss)]
//     [--workers N (indexing threads; default one per core, 0 = the calling thread only)]
//
// Indexing figures: cold builds only (a tree whose index is not kept from an earlier run), in
// files per second of wall time; and after each cold build, the re-index of a one-file change
// (a comment appended to one mid-sized code file, built, then the file restored).
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  identifierWords,
  languageOfPath,
  openProjectCodeIndex,
} from '../../packages/core/dist/code-index/index.js';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
const { values: flags } = parseArgs({
  options: {
    instances: {
      type: 'string',
      default: join(repositoryRoot, '..', 'shared', 'bench', 'localization-dev.jsonl'),
    },
    repos: { type: 'string', default: '/work/bench-repos' },
    json: { type: 'boolean', default: false },
    limit: { type: 'string' },
    repo: { type: 'string' },
    without: { type: 'string', default: '' },
    verbose: { type: 'boolean', default: false },
    // Keeps trees and indexes here across runs (re-runs only re-rank); default a fresh temp dir.
    work: { type: 'string' },
    workers: { type: 'string' },
  },
});

const without = flags.without
  .split(',')
  .map((signal) => signal.trim())
  .filter((signal) => signal !== '');

function log(message) {
  if (!flags.json) process.stderr.write(`${message}\n`);
}

function loadInstances() {
  let instances = readFileSync(flags.instances, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
  if (flags.repo !== undefined) instances = instances.filter((item) => item.repo === flags.repo);
  if (flags.limit !== undefined) instances = instances.slice(0, Number(flags.limit));
  return instances;
}

// ---- materialising trees ----

const workDirectory = flags.work ?? mkdtempSync(join(tmpdir(), 'outpost-localize-'));
mkdirSync(workDirectory, { recursive: true });
const trees = new Map();

function materialise(instance) {
  const key = `${instance.repo}@${instance.base_commit}`;
  const cached = trees.get(key);
  if (cached !== undefined) return cached;
  const gitDirectory = join(flags.repos, instance.repo.replace('/', '__'));
  const bare = !existsSync(join(gitDirectory, '.git'));
  const root = join(workDirectory, `${instance.repo.replace('/', '__')}-${instance.base_commit}`);
  const started = performance.now();
  if (existsSync(root)) {
    const tree = { root, key, materialiseMs: 0, index: undefined };
    trees.set(key, tree);
    return tree;
  }
  mkdirSync(root, { recursive: true });
  execFileSync(
    'sh',
    [
      '-c',
      'git --git-dir "$1" archive "$2" | tar -x -C "$3"',
      'sh',
      bare ? gitDirectory : join(gitDirectory, '.git'),
      instance.base_commit,
      root,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 30 },
  );
  const tree = { root, key, materialiseMs: performance.now() - started, index: undefined };
  trees.set(key, tree);
  return tree;
}

function listFiles(root) {
  const files = [];
  const walk = (directory) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const full = join(directory, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.git') walk(full);
      } else if (entry.isFile()) {
        files.push(relative(root, full).split('\\').join('/'));
      }
    }
  };
  walk(root);
  return files;
}

// ---- the baseline: plain BM25 over whole .py files ----

const TOKEN = /[\p{L}\p{N}_]+/gu;

function tokensOf(text) {
  const tokens = [];
  for (const match of text.matchAll(TOKEN)) {
    const token = match[0].toLowerCase();
    tokens.push(token);
    const words = identifierWords(match[0]);
    if (words.length > 1) tokens.push(...words);
  }
  return tokens;
}

function buildBaseline(root) {
  const documents = [];
  const frequencies = new Map();
  for (const path of listFiles(root).filter((file) => file.endsWith('.py'))) {
    const counts = new Map();
    let length = 0;
    for (const token of tokensOf(`${path}\n${readFileSync(join(root, path), 'utf8')}`)) {
      counts.set(token, (counts.get(token) ?? 0) + 1);
      length += 1;
    }
    for (const token of counts.keys()) frequencies.set(token, (frequencies.get(token) ?? 0) + 1);
    documents.push({ path, counts, length });
  }
  const averageLength = documents.reduce((sum, doc) => sum + doc.length, 0) / documents.length;
  return { documents, frequencies, averageLength };
}

function rankBaseline(baseline, query, limit) {
  const { documents, frequencies, averageLength } = baseline;
  const k1 = 1.2;
  const b = 0.75;
  const terms = new Map();
  for (const token of tokensOf(query)) terms.set(token, (terms.get(token) ?? 0) + 1);
  const scored = [];
  for (const doc of documents) {
    let score = 0;
    for (const [term, queryCount] of terms) {
      const frequency = doc.counts.get(term);
      if (frequency === undefined) continue;
      const containing = frequencies.get(term) ?? 0;
      const idf = Math.log(1 + (documents.length - containing + 0.5) / (containing + 0.5));
      const norm = frequency + k1 * (1 - b + (b * doc.length) / averageLength);
      score += queryCount * idf * ((frequency * (k1 + 1)) / norm);
    }
    if (score > 0) scored.push({ path: doc.path, score });
  }
  scored.sort((left, right) => right.score - left.score);
  return scored.slice(0, limit).map((item) => item.path);
}

// ---- scoring ----

function fileScores(ranked, gold) {
  const within = (k) => gold.filter((path) => ranked.slice(0, k).includes(path)).length;
  return {
    acc1: within(1) === gold.length ? 1 : 0,
    acc5: within(5) === gold.length ? 1 : 0,
    recall5: within(5) / gold.length,
  };
}

function symbolHit(rankedSymbols, goldSpans) {
  for (const symbol of rankedSymbols.slice(0, 5)) {
    const names = goldSpans[symbol.path];
    if (names === undefined) continue;
    const qualified =
      symbol.container === undefined ? symbol.name : `${symbol.container}.${symbol.name}`;
    if (names.includes(qualified) || names.includes(symbol.name)) return 1;
  }
  return 0;
}

function percent(value) {
  return `${(value * 100).toFixed(1)}%`;
}

function median(values) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Appends a comment to a mid-sized code file, times the incremental build, restores the file. */
async function timeOneFileChange(index, root) {
  const candidates = listFiles(root)
    .filter((path) => languageOfPath(path) !== undefined)
    .map((path) => ({ path, size: statSync(join(root, path)).size }))
    .sort((left, right) => left.size - right.size);
  const target = candidates[Math.floor(candidates.length / 2)];
  if (target === undefined) return undefined;
  const absolute = join(root, target.path);
  const original = readFileSync(absolute);
  writeFileSync(absolute, Buffer.concat([original, Buffer.from('\n# outpost bench edit\n')]));
  const started = performance.now();
  const rebuilt = await index.build();
  const elapsed = performance.now() - started;
  writeFileSync(absolute, original);
  await index.build();
  if (rebuilt.indexed !== 1)
    throw new Error(`expected one re-indexed file, got ${rebuilt.indexed}`);
  return elapsed;
}

async function run() {
  const instances = loadInstances();
  const results = [];
  for (const [position, instance] of instances.entries()) {
    const tree = materialise(instance);
    let indexMs;
    let indexedFiles;
    let reindexMs;
    if (tree.index === undefined) {
      const indexPath = `${tree.root}.db`;
      const cold = !existsSync(indexPath);
      const index = openProjectCodeIndex({
        projectRoot: tree.root,
        indexPath,
        ...(flags.workers === undefined ? {} : { parallel: { workers: Number(flags.workers) } }),
      });
      const started = performance.now();
      const built = await index.build();
      if (cold) {
        indexMs = performance.now() - started;
        indexedFiles = built.files;
        reindexMs = await timeOneFileChange(index, tree.root);
      }
      tree.index = index;
      tree.baseline = buildBaseline(tree.root);
    }
    const query = instance.problem_statement;
    const started = performance.now();
    const ranked = tree.index.rankFiles(query, { limit: 10, without });
    const queryMs = performance.now() - started;
    const symbolsStarted = performance.now();
    const rankedSymbols = tree.index.rankSymbols(query, { limit: 5, without });
    const symbolQueryMs = performance.now() - symbolsStarted;
    const baselineStarted = performance.now();
    const baselineRanked = rankBaseline(tree.baseline, query, 10);
    const baselineMs = performance.now() - baselineStarted;
    const ours = fileScores(
      ranked.map((item) => item.path),
      instance.gold_files,
    );
    const baseline = fileScores(baselineRanked, instance.gold_files);
    const result = {
      instance: instance.instance_id,
      repo: instance.repo,
      ours: { ...ours, symbolAcc5: symbolHit(rankedSymbols, instance.gold_spans) },
      baseline,
      indexMs,
      indexedFiles,
      reindexMs,
      queryMs,
      symbolQueryMs,
      baselineMs,
      top: ranked.slice(0, 5).map((item) => item.path),
      gold: instance.gold_files,
    };
    results.push(result);
    log(
      `${String(position + 1).padStart(3)}/${instances.length} ${instance.instance_id.padEnd(28)} ` +
        `ours@5 ${ours.acc5} @1 ${ours.acc1}  bm25@5 ${baseline.acc5} @1 ${baseline.acc1}` +
        (indexMs === undefined ? '' : `  index ${(indexMs / 1000).toFixed(1)} s`),
    );
    if (flags.verbose && ours.acc5 === 0) {
      log(`      gold ${instance.gold_files.join(', ')}`);
      for (const item of ranked.slice(0, 5)) {
        log(`      ${item.score.toFixed(2)} ${item.path} ${JSON.stringify(item.signals)}`);
      }
    }
  }
  for (const tree of trees.values()) tree.index?.close();
  if (flags.work === undefined) rmSync(workDirectory, { recursive: true, force: true });
  return results;
}

function summarise(results) {
  const mean = (pick) =>
    results.length === 0 ? 0 : results.reduce((sum, item) => sum + pick(item), 0) / results.length;
  const builds = results.filter((item) => item.indexMs !== undefined);
  const totalFiles = builds.reduce((sum, item) => sum + item.indexedFiles, 0);
  const totalIndexMs = builds.reduce((sum, item) => sum + item.indexMs, 0);
  return {
    instances: results.length,
    ours: {
      acc1: mean((item) => item.ours.acc1),
      acc5: mean((item) => item.ours.acc5),
      recall5: mean((item) => item.ours.recall5),
      symbolAcc5: mean((item) => item.ours.symbolAcc5),
    },
    baseline: {
      acc1: mean((item) => item.baseline.acc1),
      acc5: mean((item) => item.baseline.acc5),
      recall5: mean((item) => item.baseline.recall5),
    },
    indexBuilds: builds.length,
    indexMedianMs: median(builds.map((item) => item.indexMs)),
    reindexMedianMs: median(
      results.filter((item) => item.reindexMs !== undefined).map((item) => item.reindexMs),
    ),
    reindexMaxMs: Math.max(0, ...results.map((item) => item.reindexMs ?? 0)),
    indexFilesPerSecond: totalIndexMs === 0 ? 0 : (totalFiles / totalIndexMs) * 1000,
    queryMedianMs: median(results.map((item) => item.queryMs)),
    queryMaxMs: Math.max(0, ...results.map((item) => item.queryMs)),
    symbolQueryMedianMs: median(results.map((item) => item.symbolQueryMs)),
    baselineQueryMedianMs: median(results.map((item) => item.baselineMs)),
  };
}

function printTable(groups) {
  const rows = [
    ['set', 'n', 'Acc@1', 'Acc@5', 'Recall@5', 'sym Acc@5', 'BM25 Acc@1', 'BM25 Acc@5', 'BM25 R@5'],
  ];
  for (const [name, summary] of groups) {
    rows.push([
      name,
      String(summary.instances),
      percent(summary.ours.acc1),
      percent(summary.ours.acc5),
      percent(summary.ours.recall5),
      percent(summary.ours.symbolAcc5),
      percent(summary.baseline.acc1),
      percent(summary.baseline.acc5),
      percent(summary.baseline.recall5),
    ]);
  }
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows) {
    console.log(row.map((cell, column) => cell.padStart(widths[column])).join('  '));
  }
  const all = groups[0][1];
  console.log(
    `\nindex: ${all.indexBuilds} builds, median ${(all.indexMedianMs / 1000).toFixed(2)} s, ` +
      `${all.indexFilesPerSecond.toFixed(0)} files/s (cold, tree-sitter, all files); ` +
      `one-file re-index median ${all.reindexMedianMs.toFixed(0)} ms (max ${all.reindexMaxMs.toFixed(0)})`,
  );
  for (const [name, summary] of groups.slice(1)) {
    if (summary.indexBuilds === 0) continue;
    console.log(
      `  ${name}: ${summary.indexBuilds} builds, median ${(summary.indexMedianMs / 1000).toFixed(2)} s, ` +
        `${summary.indexFilesPerSecond.toFixed(0)} files/s; re-index median ${summary.reindexMedianMs.toFixed(0)} ms`,
    );
  }
  console.log(
    `query: rankFiles median ${all.queryMedianMs.toFixed(1)} ms (max ${all.queryMaxMs.toFixed(1)}), ` +
      `rankSymbols median ${all.symbolQueryMedianMs.toFixed(1)} ms; ` +
      `baseline BM25 median ${all.baselineQueryMedianMs.toFixed(1)} ms`,
  );
  if (without.length > 0) console.log(`signals left out: ${without.join(', ')}`);
}

const results = await run();
const groups = [['all', summarise(results)]];
for (const repo of [...new Set(results.map((item) => item.repo))]) {
  groups.push([repo, summarise(results.filter((item) => item.repo === repo))]);
}
if (flags.json) {
  console.log(JSON.stringify({ without, groups: Object.fromEntries(groups), results }, null, 2));
} else {
  printTable(groups);
}
