// Module hooks for record-connections.mjs: logs each resolved specifier that names a heavy module
// Outpost loads lazily: node-llama-cpp, the code index entry and its tree-sitter runtime.
import { appendFileSync } from 'node:fs';

const heavy = /node-llama-cpp|@outpost\/core\/code-index|tree-sitter-wasm/;

let log;

export function initialize(data) {
  log = data.log;
  appendFileSync(log, '');
}

export async function resolve(specifier, context, nextResolve) {
  if (heavy.test(specifier)) appendFileSync(log, `${specifier}\n`);
  return nextResolve(specifier, context);
}
