import type { LanguageSpec } from './language-spec.js';

const query = `
(function_definition declarator: [
  (function_declarator declarator: (_) @name)
  (pointer_declarator declarator: (function_declarator declarator: (_) @name))
  (pointer_declarator declarator: (pointer_declarator declarator: (function_declarator declarator: (_) @name)))
  (reference_declarator (function_declarator declarator: (_) @name))]) @definition.function
(field_declaration declarator: [
  (function_declarator declarator: (_) @name)
  (pointer_declarator declarator: (function_declarator declarator: (_) @name))
  (reference_declarator (function_declarator declarator: (_) @name))]) @definition.method
(translation_unit (declaration declarator: [
  (function_declarator declarator: (identifier) @name)
  (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))]) @definition.function)
(class_specifier name: (_) @name body: (_)) @definition.class
(struct_specifier name: (_) @name body: (_)) @definition.class
(union_specifier name: (_) @name body: (_)) @definition.class
(enum_specifier name: (_) @name body: (_)) @definition.enum
(type_definition declarator: (type_identifier) @name) @definition.type
(alias_declaration name: (type_identifier) @name) @definition.type
(namespace_definition name: (_) @name) @definition.module
(preproc_def name: (identifier) @name) @definition.constant
(preproc_function_def name: (identifier) @name) @definition.function

(call_expression function: (identifier) @reference)
(call_expression function: (field_expression field: (field_identifier) @reference))
(call_expression function: (qualified_identifier name: (identifier) @reference))
(call_expression function: (qualified_identifier name: (qualified_identifier name: (identifier) @reference)))
(call_expression function: (template_function name: (identifier) @reference))
(type_identifier) @reference
`;

const classLike = { nameField: 'name', makesMethods: true };

/** C++, also used for C (the bundled grammars have no C one; C parses as C++). */
export const cppSpec: LanguageSpec = {
  grammar: 'cpp',
  query,
  containers: {
    class_specifier: classLike,
    struct_specifier: classLike,
    union_specifier: classLike,
    namespace_definition: { nameField: 'name', makesMethods: false },
  },
  functionScopes: new Set(['function_definition', 'lambda_expression']),
  wrappers: new Set(['template_declaration']),
};
