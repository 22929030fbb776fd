import type { LanguageSpec } from './language-spec.js';

const query = `
(class_definition name: (identifier) @name) @definition.class
(function_definition name: (identifier) @name) @definition.function
((module (expression_statement (assignment left: (identifier) @name) @definition.constant))
  (#match? @name "^_*[A-Z][A-Z0-9_]*$"))

(call function: (identifier) @reference)
(call function: (attribute attribute: (identifier) @reference))
(decorator (identifier) @reference)
(decorator (attribute attribute: (identifier) @reference))
(import_from_statement name: (dotted_name (identifier) @reference .))
(import_from_statement name: (aliased_import name: (dotted_name (identifier) @reference .)))
(import_statement name: (dotted_name (identifier) @reference .))
(import_statement name: (aliased_import name: (dotted_name (identifier) @reference .)))
(class_definition superclasses: (argument_list (identifier) @reference))
(class_definition superclasses: (argument_list (attribute attribute: (identifier) @reference)))
(type (identifier) @reference)
(type (attribute attribute: (identifier) @reference))
(generic_type (identifier) @reference)
`;

/** Python 3. */
export const pythonSpec: LanguageSpec = {
  grammar: 'python',
  query,
  containers: { class_definition: { nameField: 'name', makesMethods: true } },
  functionScopes: new Set(['function_definition', 'lambda']),
  wrappers: new Set(['decorated_definition']),
};
