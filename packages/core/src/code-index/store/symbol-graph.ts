import type { IndexDatabase } from './index-database.js';

/**
 * The files of a project as a graph: an edge from each file that uses a name to each file that
 * defines it, weighted `1 / (files defining the name)` so an ambiguous name (`__init__`, `run`)
 * says little. Names defined in more than {@link MAX_DEFINERS} files are left out.
 */
export interface SymbolGraph {
  /** PageRank of each file, scaled so the highest is 1; files without edges have the floor. */
  rank: Map<string, number>;
  /** For each file, the files it uses names from, with the edge weight. */
  uses: Map<string, Map<string, number>>;
}

const MAX_DEFINERS = 5;
const DAMPING = 0.85;
const ITERATIONS = 30;

/** Builds the graph and its PageRank from the `definitions` and `symbol_references` tables. */
export function buildSymbolGraph(db: IndexDatabase): SymbolGraph {
  const definers = new Map<string, string[]>();
  const definitionRows = db.prepare('SELECT DISTINCT name, path FROM definitions').all() as {
    name: string;
    path: string;
  }[];
  for (const row of definitionRows) {
    const list = definers.get(row.name);
    if (list === undefined) definers.set(row.name, [row.path]);
    else list.push(row.path);
  }
  const uses = new Map<string, Map<string, number>>();
  const referenceRows = db.prepare('SELECT path, name FROM symbol_references').all() as {
    path: string;
    name: string;
  }[];
  for (const row of referenceRows) {
    const targets = definers.get(row.name);
    if (targets === undefined || targets.length > MAX_DEFINERS) continue;
    let edges = uses.get(row.path);
    if (edges === undefined) {
      edges = new Map();
      uses.set(row.path, edges);
    }
    for (const target of targets) {
      if (target === row.path) continue;
      edges.set(target, (edges.get(target) ?? 0) + 1 / targets.length);
    }
  }
  return { rank: pageRank(uses), uses };
}

function pageRank(uses: Map<string, Map<string, number>>): Map<string, number> {
  const nodes = new Set<string>();
  for (const [source, edges] of uses) {
    nodes.add(source);
    for (const target of edges.keys()) nodes.add(target);
  }
  const count = nodes.size;
  if (count === 0) return new Map();
  let rank = new Map<string, number>();
  for (const node of nodes) rank.set(node, 1 / count);
  const outWeight = new Map<string, number>();
  for (const [source, edges] of uses) {
    let total = 0;
    for (const weight of edges.values()) total += weight;
    outWeight.set(source, total);
  }
  for (let iteration = 0; iteration < ITERATIONS; iteration += 1) {
    const next = new Map<string, number>();
    let dangling = 0;
    for (const node of nodes) {
      next.set(node, 0);
      if ((outWeight.get(node) ?? 0) === 0) dangling += rank.get(node) ?? 0;
    }
    for (const [source, edges] of uses) {
      const total = outWeight.get(source) ?? 0;
      if (total === 0) continue;
      const share = rank.get(source) ?? 0;
      for (const [target, weight] of edges) {
        next.set(target, (next.get(target) ?? 0) + (share * weight) / total);
      }
    }
    const base = (1 - DAMPING) / count + (DAMPING * dangling) / count;
    for (const node of nodes) next.set(node, base + DAMPING * (next.get(node) ?? 0));
    rank = next;
  }
  let highest = 0;
  for (const value of rank.values()) highest = Math.max(highest, value);
  const scaled = new Map<string, number>();
  for (const [node, value] of rank) scaled.set(node, highest === 0 ? 0 : value / highest);
  return scaled;
}
