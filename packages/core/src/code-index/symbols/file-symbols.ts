/** What kind of thing a definition introduces. */
export type SymbolKind =
  | 'function'
  | 'method'
  | 'class'
  | 'interface'
  | 'type'
  | 'enum'
  | 'module'
  | 'constant'
  | 'variable';

/** A named definition found in a source file. */
export interface SymbolDefinition {
  name: string;
  kind: SymbolKind;
  /** 1-based first line, including decorators and `export` (Python, TypeScript). */
  startLine: number;
  /** 1-based last line, inclusive. */
  endLine: number;
  /** Enclosing class, interface, impl type, namespace or module name, when there is one. */
  container?: string;
}

/** A use of a name: a call, a called member, a type, an imported name. */
export interface SymbolReference {
  name: string;
  /** 1-based line. */
  line: number;
}

/** Definitions and references of one file, each in source order. */
export interface FileSymbols {
  definitions: SymbolDefinition[];
  references: SymbolReference[];
}
