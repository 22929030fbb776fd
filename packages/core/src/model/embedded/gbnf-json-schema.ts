import type { JsonSchema } from '@outpost/protocol';

/**
 * Converts a JSON Schema into the subset node-llama-cpp turns into a GBNF grammar
 * (`llama.createGrammarForJsonSchema`): `type`, `properties`, `additionalProperties`,
 * `min/maxProperties`, `items`, `prefixItems`, `min/maxItems`, `min/maxLength`, `format` (only
 * `date-time`, `time`, `date`), `const`, `enum`, `oneOf` and `$defs`/`$ref`.
 *
 * - Keywords the grammar cannot enforce (`description`, `title`, `$schema`, `default`, `examples`,
 *   `minimum`, `pattern`, other formats, …) are dropped: the output is looser, never wrong JSON.
 * - `anyOf` becomes `oneOf`; `allOf` and sibling keywords next to `oneOf`/`anyOf` are merged
 *   shallowly into each alternative; `type: [...]` becomes one alternative per type.
 * - node-llama-cpp makes every listed property required. A property not in `required` becomes
 *   `oneOf: [schema, {type: 'null'}]`, so the model may write `null` for it; **the caller drops
 *   null-valued optional arguments** before validating them against the original schema.
 * - An object that lists properties allows no other keys unless `additionalProperties` says so
 *   (a small model then cannot invent keys); an object without properties allows any keys.
 * - `definitions` are renamed `$defs`; a `$ref` the grammar cannot follow (not `#/$defs/…` or
 *   `#/definitions/…` of the root, or a missing definition) and an empty schema become "any JSON
 *   value".
 *
 * Pure: the input is not modified.
 */
export function toGbnfJsonSchema(schema: JsonSchema): JsonSchema {
  const rawDefinitions = { ...objectOrEmpty(schema.definitions), ...objectOrEmpty(schema.$defs) };
  const definitionNames = new Set(Object.keys(rawDefinitions));
  const converter = new SchemaConverter(definitionNames);
  const root = converter.convert(schema);
  if (definitionNames.size === 0) return root;
  const $defs: JsonSchema = {};
  for (const [name, definition] of Object.entries(rawDefinitions)) {
    $defs[name] = converter.convert(definition);
  }
  // Only references, `oneOf`, objects and arrays carry `$defs` to the schemas beneath them.
  const carriesDefinitions =
    typeof root.$ref === 'string' ||
    Array.isArray(root.oneOf) ||
    root.type === 'object' ||
    root.type === 'array';
  return carriesDefinitions ? { ...root, $defs } : { oneOf: [root], $defs };
}

/** Any JSON value, spelled with the keywords node-llama-cpp understands. */
export const anyJsonValue: JsonSchema = {
  oneOf: [
    { type: ['string', 'number', 'boolean', 'null'] },
    { type: 'array' },
    { type: 'object', additionalProperties: true },
  ],
};

const primitiveTypes = new Set(['string', 'number', 'integer', 'boolean', 'null']);
const supportedFormats = new Set(['date-time', 'time', 'date']);
const combinators = ['oneOf', 'anyOf'] as const;

class SchemaConverter {
  constructor(private readonly definitionNames: ReadonlySet<string>) {}

  convert(node: unknown): JsonSchema {
    if (!isObject(node)) return node === false ? { type: 'null' } : anyJsonValue;
    const converted = this.convertWithoutNullable(node);
    return node.nullable === true ? withNull(converted) : converted;
  }

  private convertWithoutNullable(node: JsonSchema): JsonSchema {
    if (typeof node.$ref === 'string') return this.convertReference(node.$ref);
    if (node.const !== undefined) return literalSchema(node.const);
    if (Array.isArray(node.enum)) return enumSchema(node.enum);
    if (Array.isArray(node.allOf)) {
      const { allOf, ...base } = node;
      return this.convert(allOf.reduce<JsonSchema>(mergeSchemas, base));
    }
    for (const combinator of combinators) {
      const alternatives = node[combinator];
      if (!Array.isArray(alternatives) || alternatives.length === 0) continue;
      const base = withoutKeys(node, combinators);
      return {
        oneOf: alternatives.map((alternative) =>
          this.convert(isObject(alternative) ? mergeSchemas(base, alternative) : alternative),
        ),
      };
    }
    const type = node.type ?? inferType(node);
    if (Array.isArray(type)) return this.convertTypeList(node, type);
    switch (type) {
      case 'object':
        return this.convertObject(node);
      case 'array':
        return this.convertArray(node);
      case 'string':
        return convertString(node);
      case 'number':
      case 'integer':
      case 'boolean':
      case 'null':
        return { type };
      default:
        return anyJsonValue;
    }
  }

  private convertReference(reference: string): JsonSchema {
    const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(reference);
    const name = match?.[1]?.replaceAll('~1', '/').replaceAll('~0', '~');
    if (name === undefined || !this.definitionNames.has(name)) return anyJsonValue;
    return { $ref: `#/$defs/${name}` };
  }

  private convertTypeList(node: JsonSchema, types: unknown[]): JsonSchema {
    const names = types.filter((type): type is string => typeof type === 'string');
    // A bare type list cannot carry string limits; a limited string gets its own alternative.
    const stringLimited = Object.keys(convertString(node)).length > 1;
    const plain = names.every(
      (name) => primitiveTypes.has(name) && !(name === 'string' && stringLimited),
    );
    if (names.length === 0) return anyJsonValue;
    if (plain && names.length > 1) return { type: names };
    if (names.length === 1) return this.convert({ ...node, type: names[0] });
    return { oneOf: names.map((name) => this.convert({ ...node, type: name })) };
  }

  private convertObject(node: JsonSchema): JsonSchema {
    const properties = objectOrEmpty(node.properties);
    const required = new Set(
      Array.isArray(node.required) ? node.required.filter((key) => typeof key === 'string') : [],
    );
    const result: JsonSchema = { type: 'object' };
    const names = Object.keys(properties);
    if (names.length > 0) {
      const converted: JsonSchema = {};
      for (const name of names) {
        const property = this.convert(properties[name]);
        converted[name] = required.has(name) ? property : withNull(property);
      }
      result.properties = converted;
    }
    const additional = node.additionalProperties;
    if (additional === true || (additional === undefined && names.length === 0)) {
      result.additionalProperties = true;
    } else if (isObject(additional)) {
      result.additionalProperties = this.convert(additional);
    }
    if (result.additionalProperties !== undefined) {
      copyCount(node, result, 'minProperties');
      copyCount(node, result, 'maxProperties');
      clampRange(result, 'minProperties', 'maxProperties', names.length);
    }
    return result;
  }

  private convertArray(node: JsonSchema): JsonSchema {
    const result: JsonSchema = { type: 'array' };
    const tuple = Array.isArray(node.prefixItems)
      ? node.prefixItems
      : Array.isArray(node.items)
        ? node.items
        : undefined;
    if (tuple !== undefined) result.prefixItems = tuple.map((item) => this.convert(item));
    const rest = Array.isArray(node.items) ? node.additionalItems : node.items;
    if (isObject(rest) && Object.keys(rest).length > 0) result.items = this.convert(rest);
    copyCount(node, result, 'minItems');
    copyCount(node, result, 'maxItems');
    if (rest === false && tuple !== undefined) result.maxItems = tuple.length;
    clampRange(result, 'minItems', 'maxItems', tuple?.length ?? 0);
    return result;
  }
}

function convertString(node: JsonSchema): JsonSchema {
  const result: JsonSchema = { type: 'string' };
  copyCount(node, result, 'minLength');
  copyCount(node, result, 'maxLength');
  clampRange(result, 'minLength', 'maxLength', 0);
  // node-llama-cpp cannot combine a format with length limits; the format is the stricter.
  if (typeof node.format === 'string' && supportedFormats.has(node.format)) {
    return { type: 'string', format: node.format };
  }
  return result;
}

/** A schema matching exactly `value`: `const` for primitives, structure for arrays and objects. */
function literalSchema(value: unknown): JsonSchema {
  if (Array.isArray(value)) {
    return {
      type: 'array',
      prefixItems: value.map(literalSchema),
      minItems: value.length,
      maxItems: value.length,
    };
  }
  if (isObject(value)) {
    const properties: JsonSchema = {};
    for (const [key, item] of Object.entries(value)) properties[key] = literalSchema(item);
    return { type: 'object', properties };
  }
  return { const: isPrimitive(value) ? value : null };
}

function enumSchema(values: unknown[]): JsonSchema {
  if (values.every(isPrimitive)) return { enum: values };
  return { oneOf: values.map(literalSchema) };
}

/** `schema` or `null`; `null` is added to an existing `oneOf` rather than nested around it. */
function withNull(schema: JsonSchema): JsonSchema {
  if (acceptsNull(schema)) return schema;
  if (Array.isArray(schema.oneOf) && schema.$defs === undefined) {
    const alternatives: unknown[] = schema.oneOf;
    return { oneOf: [...alternatives, { type: 'null' }] };
  }
  return { oneOf: [schema, { type: 'null' }] };
}

function acceptsNull(schema: JsonSchema): boolean {
  const { type } = schema;
  if (type === 'null' || (Array.isArray(type) && type.includes('null'))) return true;
  if (schema.const === null) return true;
  if (Array.isArray(schema.enum) && schema.enum.includes(null)) return true;
  return (
    Array.isArray(schema.oneOf) && schema.oneOf.some((item) => isObject(item) && acceptsNull(item))
  );
}

/**
 * Shallow merge for `allOf` and for siblings of `oneOf`/`anyOf`: properties are combined, `required`
 * lists joined, other keywords taken from the later schema.
 */
function mergeSchemas(base: JsonSchema, next: unknown): JsonSchema {
  if (!isObject(next)) return base;
  const merged: JsonSchema = { ...base, ...next };
  if (isObject(base.properties) || isObject(next.properties)) {
    merged.properties = { ...objectOrEmpty(base.properties), ...objectOrEmpty(next.properties) };
  }
  if (Array.isArray(base.required) || Array.isArray(next.required)) {
    merged.required = [...arrayOrEmpty(base.required), ...arrayOrEmpty(next.required)];
  }
  return merged;
}

function inferType(node: JsonSchema): string | undefined {
  if (node.properties !== undefined || node.additionalProperties !== undefined) return 'object';
  if (node.items !== undefined || node.prefixItems !== undefined) return 'array';
  if (node.minLength !== undefined || node.maxLength !== undefined) return 'string';
  return undefined;
}

function copyCount(from: JsonSchema, to: JsonSchema, key: string): void {
  const value = from[key];
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) to[key] = value;
}

/**
 * Raises a maximum below the minimum or below `floor` (listed properties, tuple items) to meet
 * them, as node-llama-cpp would, but without its console warning.
 */
function clampRange(schema: JsonSchema, minKey: string, maxKey: string, floor: number): void {
  const maximum = schema[maxKey];
  if (typeof maximum !== 'number') return;
  const minimum = schema[minKey];
  schema[maxKey] = Math.max(maximum, typeof minimum === 'number' ? minimum : 0, floor);
}

function withoutKeys(node: JsonSchema, keys: readonly string[]): JsonSchema {
  const result: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) if (!keys.includes(key)) result[key] = value;
  return result;
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPrimitive(value: unknown): value is string | number | boolean | null {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  );
}

function objectOrEmpty(value: unknown): JsonSchema {
  return isObject(value) ? value : {};
}

function arrayOrEmpty(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
