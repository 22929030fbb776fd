/**
 * A tolerant reader for the JSON small models write in tool calls. Beyond JSON it accepts
 * single-quoted strings, unquoted keys, Python's `True`/`False`/`None`, trailing commas, a missing
 * comma between members, raw newlines and unknown escapes inside strings, and an outermost object
 * or array left unclosed at the end of the input. It reads one value from `start` and says where
 * the value ends, so the caller decides what may follow. Linear in the length it reads.
 */

/** One value read from the text, or why it could not be read. */
export type LenientJsonResult =
  | { ok: true; value: unknown; end: number }
  | {
      ok: false;
      /** A few words for the repair message, e.g. `the JSON ends before it is complete`. */
      reason: string;
      /** Where reading stopped. */
      end: number;
      /** The input ended before the value did (cut off). */
      truncated: boolean;
    };

const MAX_DEPTH = 64;
const TRUNCATED = 'the JSON ends before it is complete';

class ReadError extends Error {
  constructor(
    readonly reason: string,
    readonly at: number,
    readonly truncated: boolean,
    /** The open containers when the input ended outside a string (for the auto-close repair). */
    readonly openContainers = -1,
  ) {
    super(reason);
  }
}

const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WORD = /[A-Za-z_$][\w$-]*/y;
const LITERALS: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  ['true', true],
  ['false', false],
  ['null', null],
  ['True', true],
  ['False', false],
  ['None', null],
]);
const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  '/': '/',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

/** Reads one tolerant-JSON value starting at `start` (leading whitespace allowed). */
export function readLenientJson(
  text: string,
  start: number,
  limit: number = text.length,
): LenientJsonResult {
  const first = attempt(text, start, limit);
  if (first.ok || !(first.error.openContainers === 1)) return settle(first, text, start);
  // Only the outermost object or array is left open and everything inside it is complete:
  // close it. Deeper cuts stay errors, since arguments may be missing.
  const opener = firstNonSpace(text, start, limit);
  const closer = text[opener] === '[' ? ']' : '}';
  const patched = text.slice(start, limit) + closer;
  const second = attempt(patched, 0, patched.length);
  if (second.ok && second.end === patched.length)
    return { ok: true, value: second.value, end: limit };
  return settle(first, text, start);
}

type Attempt = { ok: true; value: unknown; end: number } | { ok: false; error: ReadError };

function attempt(text: string, start: number, limit: number): Attempt {
  const reader = new Reader(text, limit);
  try {
    const value = reader.value(start, 0);
    return { ok: true, value, end: reader.position };
  } catch (error) {
    if (error instanceof ReadError) return { ok: false, error };
    throw error;
  }
}

function settle(result: Attempt, text: string, start: number): LenientJsonResult {
  if (result.ok) return result;
  const { reason, at, truncated } = result.error;
  return {
    ok: false,
    reason: truncated ? reason : `${reason} near \`${snippet(text, start, at)}\``,
    end: at,
    truncated,
  };
}

function snippet(text: string, start: number, at: number): string {
  const from = Math.max(start, at - 16);
  return text
    .slice(from, at + 8)
    .replace(/\s+/g, ' ')
    .trim();
}

function firstNonSpace(text: string, from: number, limit: number): number {
  let index = from;
  while (index < limit && /\s/.test(text.charAt(index))) index++;
  return index;
}

class Reader {
  position = 0;
  private open = 0;
  private inString = false;

  constructor(
    private readonly text: string,
    private readonly limit: number,
  ) {}

  value(at: number, depth: number): unknown {
    if (depth > MAX_DEPTH) throw new ReadError('the JSON is nested too deeply', at, false);
    const index = this.skipSpace(at);
    const char = this.text.charAt(index);
    if (char === '{') return this.object(index + 1, depth);
    if (char === '[') return this.array(index + 1, depth);
    if (char === '"' || char === "'") return this.string(index);
    if (char === '-' || (char >= '0' && char <= '9')) return this.number(index);
    const word = this.word(index);
    if (word !== undefined && LITERALS.has(word)) {
      this.position = index + word.length;
      return LITERALS.get(word);
    }
    throw new ReadError(`unexpected ${describe(word ?? char)}`, index, false);
  }

  private object(at: number, depth: number): Record<string, unknown> {
    this.open++;
    const entries: [string, unknown][] = [];
    let index = at;
    for (;;) {
      index = this.skipSpace(index);
      if (this.text[index] === '}') break;
      const key = this.key(index);
      index = this.skipSpace(this.position);
      if (this.text[index] !== ':') {
        throw new ReadError(
          `expected ':' but found ${describe(this.text.charAt(index))}`,
          index,
          false,
        );
      }
      entries.push([key, this.value(index + 1, depth + 1)]);
      index = this.skipSpace(this.position);
      const next = this.text[index];
      if (next === ',') index++;
      else if (next === '"' || next === "'")
        continue; // a missing comma between members
      else if (next !== '}') {
        throw new ReadError(`expected ',' or '}' but found ${describe(next ?? '')}`, index, false);
      }
    }
    this.open--;
    this.position = index + 1;
    return Object.fromEntries(entries);
  }

  private array(at: number, depth: number): unknown[] {
    this.open++;
    const items: unknown[] = [];
    let index = at;
    for (;;) {
      index = this.skipSpace(index);
      if (this.text[index] === ']') break;
      items.push(this.value(index, depth + 1));
      index = this.skipSpace(this.position);
      const next = this.text[index];
      if (next === ',') index++;
      else if (next !== ']') {
        throw new ReadError(`expected ',' or ']' but found ${describe(next ?? '')}`, index, false);
      }
    }
    this.open--;
    this.position = index + 1;
    return items;
  }

  private key(at: number): string {
    const char = this.text[at];
    if (char === '"' || char === "'") return this.string(at);
    const word = this.word(at);
    if (word === undefined) {
      throw new ReadError(`expected a key but found ${describe(char ?? '')}`, at, false);
    }
    this.position = at + word.length;
    return word;
  }

  private string(at: number): string {
    const quote = this.text.charAt(at);
    const parts: string[] = [];
    let index = at + 1;
    let runStart = index;
    this.inString = true;
    for (;;) {
      if (index >= this.limit) this.endOfInput(index);
      const char = this.text.charAt(index);
      if (char === quote) break;
      if (char !== '\\') {
        index++;
        continue;
      }
      parts.push(this.text.slice(runStart, index));
      if (index + 1 >= this.limit) this.endOfInput(index + 1);
      const escaped = this.text.charAt(index + 1);
      const hex =
        escaped === 'u' ? /^[0-9a-fA-F]{4}$/.exec(this.text.slice(index + 2, index + 6)) : null;
      if (hex) {
        parts.push(String.fromCharCode(parseInt(hex[0], 16)));
        index += 6;
      } else {
        // An unknown escape such as `\d` in a Windows path is kept as written.
        parts.push(ESCAPES[escaped] ?? `\\${escaped}`);
        index += 2;
      }
      runStart = index;
    }
    parts.push(this.text.slice(runStart, index));
    this.inString = false;
    this.position = index + 1;
    return parts.join('');
  }

  private number(at: number): number {
    NUMBER.lastIndex = at;
    const match = NUMBER.exec(this.text);
    if (match && at + match[0].length >= this.limit) this.endOfInput(this.limit);
    if (!match) throw new ReadError(`unexpected ${describe(this.text.charAt(at))}`, at, false);
    this.position = at + match[0].length;
    return Number(match[0]);
  }

  private word(at: number): string | undefined {
    WORD.lastIndex = at;
    const match = WORD.exec(this.text);
    if (!match) return undefined;
    if (at + match[0].length >= this.limit) this.endOfInput(this.limit);
    return match[0];
  }

  private skipSpace(at: number): number {
    let index = at;
    while (index < this.limit && /\s/.test(this.text.charAt(index))) index++;
    if (index >= this.limit) this.endOfInput(index);
    return index;
  }

  private endOfInput(at: number): never {
    throw new ReadError(TRUNCATED, at, true, this.inString ? -1 : this.open);
  }
}

function describe(found: string): string {
  if (found === '') return 'the end';
  if (found.length > 1) return `\`${found.slice(0, 20)}\``;
  return `'${found}'`;
}
