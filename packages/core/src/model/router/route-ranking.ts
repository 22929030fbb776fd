import type { RouteCandidate } from './route-candidate.js';

/** What a step needs of its model. */
export interface RouteNeeds {
  /** The step offers tools: a model that carries them structured (native, constrained) is better. */
  tools: boolean;
  /** The smallest context window that holds the conversation; a smaller known window is left out. */
  minContext?: number;
}

/** A candidate with the facts the ranking compares, in the order they are compared. */
export interface RankedCandidate {
  candidate: RouteCandidate;
  /** 0: prefers this role; 1: serves every role; 2: prefers other roles (a last resort). */
  tier: 0 | 1 | 2;
  local: boolean;
  /** Tool calls travel structured (native or constrained), not as parsed text. */
  structured: boolean;
  /** The known window, or 0 when unknown. */
  context: number;
  /** The measured speed, or 0 when unmeasured. */
  speed: number;
  /** Its place in the config: the last tie-breaker, so equal facts always give the same pick. */
  order: number;
}

export function rankFacts(
  candidate: RouteCandidate,
  order: number,
  role: string,
  needs: RouteNeeds,
): RankedCandidate {
  const { roles } = candidate;
  return {
    candidate,
    tier: roles.includes(role) ? 0 : roles.length === 0 ? 1 : 2,
    local: candidate.locality === 'local',
    structured: !needs.tools || candidate.toolProtocol !== 'text',
    context: candidate.contextWindow ?? 0,
    speed: candidate.tokensPerSecond ?? 0,
    order,
  };
}

type Key = 'tier' | 'local' | 'structured' | 'context' | 'speed' | 'order';

/**
 * The ranking, most important first: the role preference, then on this machine before remote,
 * then structured tool calls before text, then the larger context window, then the faster
 * measured speed, then the config's order. Negative when `a` is better.
 */
const KEYS: readonly { key: Key; compare: (a: RankedCandidate, b: RankedCandidate) => number }[] = [
  { key: 'tier', compare: (a, b) => a.tier - b.tier },
  { key: 'local', compare: (a, b) => Number(b.local) - Number(a.local) },
  { key: 'structured', compare: (a, b) => Number(b.structured) - Number(a.structured) },
  { key: 'context', compare: (a, b) => b.context - a.context },
  { key: 'speed', compare: (a, b) => b.speed - a.speed },
  { key: 'order', compare: (a, b) => a.order - b.order },
];

export function compareRanked(a: RankedCandidate, b: RankedCandidate): number {
  for (const { compare } of KEYS) {
    const difference = compare(a, b);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** The first fact that puts `winner` ahead of `runnerUp`. */
function decidingKey(winner: RankedCandidate, runnerUp: RankedCandidate): Key {
  return KEYS.find(({ compare }) => compare(winner, runnerUp) !== 0)?.key ?? 'order';
}

const count = (value: number) => value.toLocaleString('en-US');

function protocolWords(candidate: RouteCandidate): string {
  switch (candidate.toolProtocol) {
    case 'native':
      return 'native tools';
    case 'constrained':
      return 'constrained tool calls';
    case 'text':
      return 'tool calls as text';
  }
}

/**
 * Why `winner` was picked, in words: what decided it against the next best, then the rest of
 * its facts — "coder-7b: largest context among local models (32,768); native tools, 21 tok/s".
 */
export function explainRanking(options: {
  winner: RankedCandidate;
  runnerUp: RankedCandidate | undefined;
  label: string;
  role: string;
}): string {
  const { winner, runnerUp, label, role } = options;
  const { candidate } = winner;
  const where = winner.local ? 'local' : 'remote';
  const shown = new Set<Key>();
  let deciding: string;
  if (runnerUp === undefined) {
    deciding = `the only ${where} model available for ${role}`;
    shown.add('local');
  } else {
    const key = decidingKey(winner, runnerUp);
    shown.add(key);
    deciding = {
      tier: winner.tier === 0 ? `preferred for ${role}` : `serves every role`,
      local: 'runs on this machine, before remote models',
      structured: `${protocolWords(candidate)}, where the next has only text`,
      context: `largest context among ${where} models (${count(winner.context)})`,
      speed: `fastest measured among ${where} models (${Math.round(winner.speed)} tok/s)`,
      order: `listed first in the router config among equals`,
    }[key];
    if (key === 'local') shown.add('local');
  }
  const facts: string[] = [];
  if (!shown.has('context')) {
    facts.push(
      winner.context > 0 ? `${count(winner.context)}-token context` : 'context window unknown',
    );
  }
  if (!shown.has('structured')) facts.push(protocolWords(candidate));
  if (!shown.has('speed') && winner.speed > 0) facts.push(`${Math.round(winner.speed)} tok/s`);
  if (!shown.has('local') && !winner.local) facts.push('remote');
  return `${label}: ${deciding}; ${facts.join(', ')}`;
}
