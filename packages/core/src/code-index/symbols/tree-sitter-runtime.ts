import { createRequire } from 'node:module';
import type * as TreeSitter from '@vscode/tree-sitter-wasm';
import type { CodeLanguage } from './code-language.js';
import type { LanguageSpec } from './language-spec.js';
import { cppSpec } from './queries-cpp.js';
import { goSpec } from './queries-go.js';
import { javaSpec } from './queries-java.js';
import { javascriptSpec, tsxSpec, typescriptSpec } from './queries-javascript.js';
import { pythonSpec } from './queries-python.js';
import { rubySpec } from './queries-ruby.js';
import { rustSpec } from './queries-rust.js';

type TreeSitterModule = typeof TreeSitter;

/** The language specification for each code language. */
export const languageSpecs: Readonly<Record<CodeLanguage, LanguageSpec>> = {
  typescript: typescriptSpec,
  tsx: tsxSpec,
  javascript: javascriptSpec,
  python: pythonSpec,
  go: goSpec,
  rust: rustSpec,
  java: javaSpec,
  c: cppSpec,
  cpp: cppSpec,
  ruby: rubySpec,
};

/** A loaded grammar with its one parser and its compiled query, reused for every file. */
export interface LoadedLanguage {
  spec: LanguageSpec;
  parser: TreeSitter.Parser;
  query: TreeSitter.Query;
}

const packageName = '@vscode/tree-sitter-wasm';
let runtime: Promise<TreeSitterModule> | undefined;
const loadedByGrammar = new Map<string, Promise<LoadedLanguage>>();

function loadRuntime(): Promise<TreeSitterModule> {
  runtime ??= (async () => {
    const require = createRequire(import.meta.url);
    const treeSitter = require(packageName) as TreeSitterModule;
    await treeSitter.Parser.init();
    return treeSitter;
  })().catch((error: unknown) => {
    runtime = undefined; // let a later call retry instead of caching the failure
    throw error;
  });
  return runtime;
}

async function loadGrammar(spec: LanguageSpec): Promise<LoadedLanguage> {
  const treeSitter = await loadRuntime();
  const require = createRequire(import.meta.url);
  const wasmPath = require.resolve(`${packageName}/wasm/tree-sitter-${spec.grammar}.wasm`);
  const language = await treeSitter.Language.load(wasmPath);
  const parser = new treeSitter.Parser();
  parser.setLanguage(language);
  const query = new treeSitter.Query(language, spec.query);
  return { spec, parser, query };
}

/**
 * The grammar, parser and query for a language, loaded on first use and then shared. Loading the
 * tree-sitter runtime is deferred to here so that code which never indexes never loads it.
 * Parsing and querying are synchronous, so one parser per grammar is safe under concurrent calls.
 */
export function loadLanguage(language: CodeLanguage): Promise<LoadedLanguage> {
  const spec = languageSpecs[language];
  let loaded = loadedByGrammar.get(spec.grammar);
  if (loaded === undefined) {
    loaded = loadGrammar(spec);
    loadedByGrammar.set(spec.grammar, loaded);
    loaded.catch(() => {
      // The caller sees the rejection; forget it so a later call can retry.
      loadedByGrammar.delete(spec.grammar);
    });
  }
  return loaded;
}
