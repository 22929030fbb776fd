import type { ContainerRule, LanguageSpec } from './language-spec.js';

/** Definitions shared by the JavaScript, TypeScript and TSX grammars. */
const commonDefinitions = `
(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function
(class_declaration name: (_) @name) @definition.class
(method_definition name: (_) @name) @definition.method
(program (lexical_declaration
  (variable_declarator name: (identifier) @name
    value: [(arrow_function) (function_expression) (generator_function)])) @definition.function)
(program (export_statement declaration: (lexical_declaration
  (variable_declarator name: (identifier) @name
    value: [(arrow_function) (function_expression) (generator_function)])) @definition.function))
(program (lexical_declaration kind: "const"
  (variable_declarator name: (identifier) @name)) @definition.constant)
(program (export_statement declaration: (lexical_declaration kind: "const"
  (variable_declarator name: (identifier) @name)) @definition.constant))
`;

const javascriptDefinitions = `
(field_definition property: (_) @name value: [(arrow_function) (function_expression)]) @definition.method
`;

const typescriptDefinitions = `
(public_field_definition name: (_) @name value: [(arrow_function) (function_expression)]) @definition.method
(abstract_class_declaration name: (_) @name) @definition.class
(interface_declaration name: (_) @name) @definition.interface
(type_alias_declaration name: (_) @name) @definition.type
(enum_declaration name: (_) @name) @definition.enum
(internal_module name: (identifier) @name) @definition.module
(method_signature name: (_) @name) @definition.method
(abstract_method_signature name: (_) @name) @definition.method
(function_signature name: (identifier) @name) @definition.function
`;

const commonReferences = `
(call_expression function: (identifier) @reference)
(call_expression function: (member_expression property: (property_identifier) @reference))
(new_expression constructor: (identifier) @reference)
(new_expression constructor: (member_expression property: (property_identifier) @reference))
(import_specifier name: (identifier) @reference)
(import_clause (identifier) @reference)
(namespace_import (identifier) @reference)
(export_specifier name: (identifier) @reference)
(decorator (identifier) @reference)
`;

const javascriptReferences = `
(class_heritage (identifier) @reference)
(class_heritage (member_expression property: (property_identifier) @reference))
`;

const jsxReferences = `
((jsx_opening_element name: (identifier) @reference) (#match? @reference "^[A-Z]"))
((jsx_self_closing_element name: (identifier) @reference) (#match? @reference "^[A-Z]"))
(jsx_opening_element name: (member_expression property: (property_identifier) @reference))
`;

const typescriptReferences = `
(type_identifier) @reference
(extends_clause value: (identifier) @reference)
(extends_clause value: (member_expression property: (property_identifier) @reference))
`;

const containers: Readonly<Record<string, ContainerRule>> = {
  class_declaration: { nameField: 'name', makesMethods: true },
  class: { nameField: 'name', makesMethods: true },
  abstract_class_declaration: { nameField: 'name', makesMethods: true },
  interface_declaration: { nameField: 'name', makesMethods: true },
  internal_module: { nameField: 'name', makesMethods: false },
};

const functionScopes: ReadonlySet<string> = new Set([
  'function_declaration',
  'generator_function_declaration',
  'function_expression',
  'generator_function',
  'arrow_function',
  'method_definition',
]);

const wrappers: ReadonlySet<string> = new Set(['export_statement']);

/** JavaScript, JSX included. */
export const javascriptSpec: LanguageSpec = {
  grammar: 'javascript',
  query:
    commonDefinitions +
    javascriptDefinitions +
    commonReferences +
    javascriptReferences +
    jsxReferences,
  containers,
  functionScopes,
  wrappers,
};

/** TypeScript without JSX. */
export const typescriptSpec: LanguageSpec = {
  grammar: 'typescript',
  query: commonDefinitions + typescriptDefinitions + commonReferences + typescriptReferences,
  containers,
  functionScopes,
  wrappers,
};

/** TypeScript with JSX. */
export const tsxSpec: LanguageSpec = {
  ...typescriptSpec,
  grammar: 'tsx',
  query:
    commonDefinitions +
    typescriptDefinitions +
    commonReferences +
    jsxReferences +
    typescriptReferences,
};
