/** How an enclosing node names the definitions inside it. */
export interface ContainerRule {
  /** The field holding the container's name (`name`, or `type` for a Rust `impl`). */
  nameField: string;
  /** Whether a function defined directly inside becomes a method (classes, traits; not namespaces). */
  makesMethods: boolean;
}

/**
 * What symbol extraction needs to know about one language. The query uses these captures:
 * `@definition.<kind>` on a definition's node with `@name` on its name (and optionally
 * `@container` for an explicit container such as a Go receiver type), and `@reference` on a
 * referenced name. When one name matches several definition patterns the earliest pattern wins.
 */
export interface LanguageSpec {
  /** The grammar's file in `@vscode/tree-sitter-wasm/wasm/`, without `tree-sitter-` and `.wasm`. */
  grammar: string;
  query: string;
  /** Enclosing node types that give definitions a container, by node type. */
  containers: Readonly<Record<string, ContainerRule>>;
  /** Node types whose bodies are local scopes: the container search stops there. */
  functionScopes: ReadonlySet<string>;
  /** Parent node types whose range a definition's range extends to (`export`, decorators). */
  wrappers: ReadonlySet<string>;
}
