import type { LanguageSpec } from './language-spec.js';

const query = `
(class name: [(constant) @name (scope_resolution name: (_) @name)]) @definition.class
(module name: [(constant) @name (scope_resolution name: (_) @name)]) @definition.module
(method name: (_) @name) @definition.function
(singleton_method name: (_) @name) @definition.method
(assignment left: (constant) @name) @definition.constant

(call method: (identifier) @reference)
(constant) @reference
`;

/** Ruby: a `def` in a class or module is a method of it. */
export const rubySpec: LanguageSpec = {
  grammar: 'ruby',
  query,
  containers: {
    class: { nameField: 'name', makesMethods: true },
    module: { nameField: 'name', makesMethods: true },
  },
  functionScopes: new Set(['method', 'singleton_method', 'block', 'do_block', 'lambda']),
  wrappers: new Set(),
};
