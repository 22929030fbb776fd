import type { LanguageSpec } from './language-spec.js';

const query = `
(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(annotation_type_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(method_declaration name: (identifier) @name) @definition.method
(constructor_declaration name: (identifier) @name) @definition.method

(method_invocation name: (identifier) @reference)
(type_identifier) @reference
(import_declaration (scoped_identifier name: (identifier) @reference))
(marker_annotation name: (identifier) @reference)
(annotation name: (identifier) @reference)
`;

const container = { nameField: 'name', makesMethods: true };

/** Java. */
export const javaSpec: LanguageSpec = {
  grammar: 'java',
  query,
  containers: {
    class_declaration: container,
    record_declaration: container,
    interface_declaration: container,
    annotation_type_declaration: container,
    enum_declaration: container,
  },
  functionScopes: new Set(['method_declaration', 'constructor_declaration', 'lambda_expression']),
  wrappers: new Set(),
};
