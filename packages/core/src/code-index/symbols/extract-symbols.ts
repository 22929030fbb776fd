import type * as TreeSitter from '@vscode/tree-sitter-wasm';
import type { CodeLanguage } from './code-language.js';
import type { FileSymbols, SymbolDefinition, SymbolKind, SymbolReference } from './file-symbols.js';
import type { LanguageSpec } from './language-spec.js';
import { loadLanguage, type LoadedLanguage } from './tree-sitter-runtime.js';

type Node = TreeSitter.Node;

const symbolKinds: ReadonlySet<string> = new Set<SymbolKind>([
  'function',
  'method',
  'class',
  'interface',
  'type',
  'enum',
  'module',
  'constant',
  'variable',
]);

const definitionPrefix = 'definition.';

interface FoundDefinition {
  patternIndex: number;
  order: number;
  definition: SymbolDefinition;
}

/**
 * Parses `source` as `language` and extracts its definitions (functions, methods with their
 * container, classes, interfaces, types, enums, modules, top-level constants) and references
 * (called names, called members, type names, imported names), each deduplicated per name and
 * line. Never throws for bad source: tree-sitter recovers and what it found is returned.
 */
export async function extractSymbols(language: CodeLanguage, source: string): Promise<FileSymbols> {
  const loaded = await loadLanguage(language);
  return extractWith(loaded, source);
}

function extractWith({ spec, parser, query }: LoadedLanguage, source: string): FileSymbols {
  const tree = parser.parse(source);
  if (tree === null) return { definitions: [], references: [] };
  try {
    const found = new Map<number, FoundDefinition>();
    const referenceNodes: Node[] = [];
    for (const match of query.matches(tree.rootNode)) {
      let nameNode: Node | undefined;
      let definitionNode: Node | undefined;
      let containerNode: Node | undefined;
      let kind: SymbolKind | undefined;
      for (const capture of match.captures) {
        if (capture.name === 'reference') referenceNodes.push(capture.node);
        else if (capture.name === 'name') nameNode = capture.node;
        else if (capture.name === 'container') containerNode = capture.node;
        else if (capture.name.startsWith(definitionPrefix)) {
          const captured = capture.name.slice(definitionPrefix.length);
          if (isSymbolKind(captured)) {
            kind = captured;
            definitionNode = capture.node;
          }
        }
      }
      if (nameNode === undefined || definitionNode === undefined || kind === undefined) continue;
      const existing = found.get(nameNode.startIndex);
      if (existing !== undefined && existing.patternIndex <= match.patternIndex) continue;
      const definition = buildDefinition(spec, kind, definitionNode, nameNode, containerNode);
      if (definition === undefined) continue;
      found.set(nameNode.startIndex, {
        patternIndex: match.patternIndex,
        order: nameNode.startIndex,
        definition,
      });
    }
    const definitions = [...found.values()]
      .sort((a, b) => a.definition.startLine - b.definition.startLine || a.order - b.order)
      .map((entry) => entry.definition);
    return { definitions, references: collectReferences(referenceNodes, found) };
  } finally {
    tree.delete();
  }
}

function isSymbolKind(value: string): value is SymbolKind {
  return symbolKinds.has(value);
}

function collectReferences(
  nodes: readonly Node[],
  definitionNames: ReadonlyMap<number, FoundDefinition>,
): SymbolReference[] {
  const seen = new Set<string>();
  const ordered: { reference: SymbolReference; order: number }[] = [];
  for (const node of nodes) {
    if (definitionNames.has(node.startIndex)) continue;
    const name = node.text;
    if (name.length === 0) continue;
    const line = node.startPosition.row + 1;
    const key = `${line}:${name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    ordered.push({ reference: { name, line }, order: node.startIndex });
  }
  return ordered.sort((a, b) => a.order - b.order).map((entry) => entry.reference);
}

function buildDefinition(
  spec: LanguageSpec,
  capturedKind: SymbolKind,
  definitionNode: Node,
  nameNode: Node,
  containerNode: Node | undefined,
): SymbolDefinition | undefined {
  let nameLeaf = nameNode;
  let qualifier: Node | undefined;
  while (nameLeaf.type === 'qualified_identifier') {
    const scope = nameLeaf.childForFieldName('scope');
    const inner = nameLeaf.childForFieldName('name');
    if (inner === null) break;
    if (scope !== null) qualifier = scope;
    nameLeaf = inner;
  }
  const name = nameLeaf.text;
  if (name.length === 0 || nameLeaf.isMissing) return undefined;

  let kind = capturedKind;
  let container: string | undefined;
  const explicitContainer = containerNode ?? qualifier;
  if (explicitContainer !== undefined) {
    container = simpleName(explicitContainer);
    if (kind === 'function') kind = 'method';
  } else {
    const enclosing = enclosingContainer(spec, definitionNode);
    container = enclosing.name;
    if (kind === 'function' && enclosing.makesMethods) kind = 'method';
  }

  let rangeNode = definitionNode;
  while (rangeNode.parent !== null && spec.wrappers.has(rangeNode.parent.type)) {
    rangeNode = rangeNode.parent;
  }
  const start = rangeNode.startPosition;
  const end = rangeNode.endPosition;
  const endLine = end.column === 0 && end.row > start.row ? end.row : end.row + 1;
  const definition: SymbolDefinition = { name, kind, startLine: start.row + 1, endLine };
  if (container !== undefined && container.length > 0) definition.container = container;
  return definition;
}

function enclosingContainer(
  spec: LanguageSpec,
  definitionNode: Node,
): { name: string | undefined; makesMethods: boolean } {
  for (let node = definitionNode.parent; node !== null; node = node.parent) {
    if (spec.functionScopes.has(node.type)) break;
    const rule = spec.containers[node.type];
    if (rule === undefined) continue;
    const nameNode = node.childForFieldName(rule.nameField);
    return {
      name: nameNode === null ? undefined : simpleName(nameNode),
      makesMethods: rule.makesMethods,
    };
  }
  return { name: undefined, makesMethods: false };
}

/** The last plain name in a possibly qualified or generic name: `a::B<T>` → `B`, `*Point` → `Point`. */
function simpleName(node: Node): string {
  let current = node;
  for (;;) {
    const inner =
      current.childForFieldName('name') ??
      current.childForFieldName('type') ??
      (current.type === 'pointer_type' ? current.namedChild(0) : null);
    if (inner === null) return current.text;
    current = inner;
  }
}
