import type { JsonSchema } from '@outpost/protocol';
import type { GbnfJsonSchema, Llama, LlamaGrammar } from 'node-llama-cpp';
import { toGbnfJsonSchema } from './gbnf-json-schema.js';

/** Grammars built from response schemas, one per distinct schema. */
export interface GrammarCache {
  /** The grammar for `schema` (converted by `toGbnfJsonSchema`); rejects when it cannot be built. */
  get(schema: JsonSchema): Promise<LlamaGrammar>;
}

/** Schemas kept at most; an agent uses one or two, so this only bounds a misbehaving caller. */
const maxEntries = 32;

/**
 * Builds grammars with `llama.createGrammarForJsonSchema` and keeps them by the schema's JSON
 * text, since building one walks the whole schema and the agent sends the same schema every turn.
 * A failed build is not kept.
 */
export function createGrammarCache(llama: Llama): GrammarCache {
  const grammars = new Map<string, Promise<LlamaGrammar>>();
  return {
    get(schema) {
      const key = JSON.stringify(schema);
      const cached = grammars.get(key);
      if (cached !== undefined) return cached;
      // The converted schema is plain JSON in node-llama-cpp's subset; its generic type cannot
      // follow a schema built at run time.
      const converted = toGbnfJsonSchema(schema) as GbnfJsonSchema;
      const grammar = llama.createGrammarForJsonSchema<GbnfJsonSchema>(converted);
      grammars.set(key, grammar);
      grammar.catch(() => grammars.delete(key));
      if (grammars.size > maxEntries) {
        const oldest = grammars.keys().next().value;
        if (oldest !== undefined) grammars.delete(oldest);
      }
      return grammar;
    },
  };
}
