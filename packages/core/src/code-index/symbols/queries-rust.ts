import type { LanguageSpec } from './language-spec.js';

const query = `
(function_item name: (identifier) @name) @definition.function
(function_signature_item name: (identifier) @name) @definition.function
(struct_item name: (type_identifier) @name) @definition.class
(union_item name: (type_identifier) @name) @definition.class
(enum_item name: (type_identifier) @name) @definition.enum
(trait_item name: (type_identifier) @name) @definition.interface
(type_item name: (type_identifier) @name) @definition.type
(mod_item name: (identifier) @name) @definition.module
(const_item name: (identifier) @name) @definition.constant
(static_item name: (identifier) @name) @definition.constant
(macro_definition name: (identifier) @name) @definition.function

(call_expression function: (identifier) @reference)
(call_expression function: (field_expression field: (field_identifier) @reference))
(call_expression function: (scoped_identifier name: (identifier) @reference))
(macro_invocation macro: (identifier) @reference)
(type_identifier) @reference
(use_declaration argument: (identifier) @reference)
(use_declaration argument: (scoped_identifier name: (identifier) @reference))
(use_list (identifier) @reference)
(use_list (scoped_identifier name: (identifier) @reference))
(use_as_clause path: (identifier) @reference)
(use_as_clause path: (scoped_identifier name: (identifier) @reference))
`;

/** Rust: structs are classes, traits interfaces, `impl` functions methods of the impl's type. */
export const rustSpec: LanguageSpec = {
  grammar: 'rust',
  query,
  containers: {
    impl_item: { nameField: 'type', makesMethods: true },
    trait_item: { nameField: 'name', makesMethods: true },
    mod_item: { nameField: 'name', makesMethods: false },
  },
  functionScopes: new Set(['function_item', 'closure_expression']),
  wrappers: new Set(),
};
