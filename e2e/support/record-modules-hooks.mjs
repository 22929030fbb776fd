// Module hooks for record-connections.mjs: logs each resolved specifier that names node-llama-cpp.
import { appendFileSync } from 'node:fs';

let log;

export function initialize(data) {
  log = data.log;
  appendFileSync(log, '');
}

export async function resolve(specifier, context, nextResolve) {
  if (specifier.includes('node-llama-cpp')) appendFileSync(log, `${specifier}\n`);
  return nextResolve(specifier, context);
}
