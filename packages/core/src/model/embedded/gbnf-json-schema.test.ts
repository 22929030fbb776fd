import { describe, expect, it } from 'vitest';
import { anyJsonValue, toGbnfJsonSchema } from './gbnf-json-schema.js';

describe('toGbnfJsonSchema', () => {
  it('drops keywords the grammar cannot enforce', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'Read',
      description: 'Reads a file',
      type: 'object',
      properties: {
        path: { type: 'string', description: 'Relative path', default: '.', pattern: '^[a-z]' },
        url: { type: 'string', format: 'uri', examples: ['https://example.com'] },
        line: { type: 'integer', minimum: 1, maximum: 10, multipleOf: 1 },
        ratio: { type: 'number', exclusiveMinimum: 0 },
        force: { type: 'boolean', deprecated: true },
      },
      required: ['path', 'url', 'line', 'ratio', 'force'],
      additionalProperties: false,
    };

    expect(toGbnfJsonSchema(schema)).toEqual({
      type: 'object',
      properties: {
        path: { type: 'string' },
        url: { type: 'string' },
        line: { type: 'integer' },
        ratio: { type: 'number' },
        force: { type: 'boolean' },
      },
    });
  });

  it('lets an optional property be null, since every listed property is written', () => {
    const schema = {
      type: 'object',
      properties: {
        path: { type: 'string' },
        offset: { type: 'integer' },
        mode: { anyOf: [{ const: 'a' }, { const: 'b' }] },
        note: { type: ['string', 'null'] },
      },
      required: ['path'],
    };

    expect(toGbnfJsonSchema(schema)).toEqual({
      type: 'object',
      properties: {
        path: { type: 'string' },
        offset: { oneOf: [{ type: 'integer' }, { type: 'null' }] },
        mode: { oneOf: [{ const: 'a' }, { const: 'b' }, { type: 'null' }] },
        note: { type: ['string', 'null'] },
      },
    });
  });

  it('turns anyOf into oneOf and keeps const, enum and string lengths', () => {
    const schema = {
      anyOf: [
        {
          type: 'object',
          properties: {
            tool: { const: 'read_file' },
            arguments: {
              type: 'object',
              properties: { path: { type: 'string', minLength: 1, maxLength: 200 } },
              required: ['path'],
            },
          },
          required: ['tool', 'arguments'],
        },
        {
          type: 'object',
          properties: { answer: { type: 'string' }, tone: { enum: ['calm', 'brief', null] } },
          required: ['answer', 'tone'],
        },
      ],
    };

    expect(toGbnfJsonSchema(schema)).toEqual({
      oneOf: [
        {
          type: 'object',
          properties: {
            tool: { const: 'read_file' },
            arguments: {
              type: 'object',
              properties: { path: { type: 'string', minLength: 1, maxLength: 200 } },
            },
          },
        },
        {
          type: 'object',
          properties: { answer: { type: 'string' }, tone: { enum: ['calm', 'brief', null] } },
        },
      ],
    });
  });

  it('merges siblings of oneOf into each alternative', () => {
    const schema = {
      type: 'object',
      properties: { kind: { type: 'string' } },
      required: ['kind'],
      oneOf: [
        { properties: { a: { type: 'number' } }, required: ['a'] },
        { properties: { b: { type: 'boolean' } }, required: ['b'] },
      ],
    };

    expect(toGbnfJsonSchema(schema)).toEqual({
      oneOf: [
        { type: 'object', properties: { kind: { type: 'string' }, a: { type: 'number' } } },
        { type: 'object', properties: { kind: { type: 'string' }, b: { type: 'boolean' } } },
      ],
    });
  });

  it('merges allOf shallowly, joining properties and required lists', () => {
    const schema = {
      allOf: [
        { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
        { properties: { b: { type: 'string' } } },
      ],
    };

    expect(toGbnfJsonSchema(schema)).toEqual({
      type: 'object',
      properties: { a: { type: 'string' }, b: { oneOf: [{ type: 'string' }, { type: 'null' }] } },
    });
  });

  it('splits a type list that holds a structured type into alternatives', () => {
    expect(
      toGbnfJsonSchema({ type: ['array', 'null'], items: { type: 'string' }, maxItems: 3 }),
    ).toEqual({
      oneOf: [{ type: 'array', items: { type: 'string' }, maxItems: 3 }, { type: 'null' }],
    });
    expect(toGbnfJsonSchema({ type: ['string', 'integer'], maxLength: 5 })).toEqual({
      oneOf: [{ type: 'string', maxLength: 5 }, { type: 'integer' }],
    });
    expect(toGbnfJsonSchema({ type: ['integer'] })).toEqual({ type: 'integer' });
  });

  it('renames definitions to $defs and keeps references the grammar can follow', () => {
    const schema = {
      type: 'object',
      properties: {
        edit: { $ref: '#/definitions/edit' },
        other: { $ref: '#/$defs/missing' },
        self: { $ref: '#' },
      },
      required: ['edit', 'other', 'self'],
      definitions: {
        edit: {
          type: 'object',
          description: 'One edit',
          properties: { old: { type: 'string' }, next: { $ref: '#/definitions/edit' } },
          required: ['old'],
        },
      },
    };

    expect(toGbnfJsonSchema(schema)).toEqual({
      type: 'object',
      properties: {
        edit: { $ref: '#/$defs/edit' },
        other: anyJsonValue,
        self: anyJsonValue,
      },
      $defs: {
        edit: {
          type: 'object',
          properties: {
            old: { type: 'string' },
            next: { oneOf: [{ $ref: '#/$defs/edit' }, { type: 'null' }] },
          },
        },
      },
    });
  });

  it('wraps a root that cannot carry $defs', () => {
    expect(toGbnfJsonSchema({ type: 'string', $defs: { a: { type: 'number' } } })).toEqual({
      oneOf: [{ type: 'string' }],
      $defs: { a: { type: 'number' } },
    });
  });

  it('reads an empty schema as any JSON value and an object without properties as any object', () => {
    expect(toGbnfJsonSchema({})).toEqual(anyJsonValue);
    expect(toGbnfJsonSchema({ description: 'anything' })).toEqual(anyJsonValue);
    expect(toGbnfJsonSchema({ type: 'object' })).toEqual({
      type: 'object',
      additionalProperties: true,
    });
    expect(
      toGbnfJsonSchema({
        type: 'object',
        additionalProperties: { type: 'string' },
        minProperties: 1,
      }),
    ).toEqual({ type: 'object', additionalProperties: { type: 'string' }, minProperties: 1 });
    expect(toGbnfJsonSchema({ type: 'object', additionalProperties: false })).toEqual({
      type: 'object',
    });
  });

  it('infers the type from the keywords when it is missing', () => {
    expect(toGbnfJsonSchema({ properties: { a: { type: 'null' } }, required: ['a'] })).toEqual({
      type: 'object',
      properties: { a: { type: 'null' } },
    });
    expect(toGbnfJsonSchema({ items: { type: 'number' } })).toEqual({
      type: 'array',
      items: { type: 'number' },
    });
    expect(toGbnfJsonSchema({ maxLength: 3 })).toEqual({ type: 'string', maxLength: 3 });
  });

  it('spells structured const and enum values out as schemas', () => {
    expect(toGbnfJsonSchema({ const: { a: [1, 'x'] } })).toEqual({
      type: 'object',
      properties: {
        a: {
          type: 'array',
          prefixItems: [{ const: 1 }, { const: 'x' }],
          minItems: 2,
          maxItems: 2,
        },
      },
    });
    expect(toGbnfJsonSchema({ enum: ['a', { b: true }] })).toEqual({
      oneOf: [{ const: 'a' }, { type: 'object', properties: { b: { const: true } } }],
    });
  });

  it('reads tuples in both spellings and closes them when no more items are allowed', () => {
    expect(
      toGbnfJsonSchema({
        type: 'array',
        items: [{ type: 'string' }, { type: 'number' }],
        additionalItems: false,
      }),
    ).toEqual({
      type: 'array',
      prefixItems: [{ type: 'string' }, { type: 'number' }],
      maxItems: 2,
    });
    expect(
      toGbnfJsonSchema({
        type: 'array',
        prefixItems: [{ type: 'string' }],
        items: { type: 'null' },
      }),
    ).toEqual({ type: 'array', prefixItems: [{ type: 'string' }], items: { type: 'null' } });
  });

  it('raises maximums below their minimums instead of letting node-llama-cpp warn', () => {
    expect(toGbnfJsonSchema({ type: 'string', minLength: 5, maxLength: 2 })).toEqual({
      type: 'string',
      minLength: 5,
      maxLength: 5,
    });
    expect(toGbnfJsonSchema({ type: 'array', prefixItems: [{}, {}], maxItems: 1 })).toEqual({
      type: 'array',
      prefixItems: [anyJsonValue, anyJsonValue],
      maxItems: 2,
    });
  });

  it('keeps the date formats the grammar supports and nullable from OpenAPI', () => {
    expect(toGbnfJsonSchema({ type: 'string', format: 'date' })).toEqual({
      type: 'string',
      format: 'date',
    });
    expect(toGbnfJsonSchema({ type: 'string', nullable: true })).toEqual({
      oneOf: [{ type: 'string' }, { type: 'null' }],
    });
  });

  it('does not modify its input', () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'string', description: 'x' } },
      definitions: { b: { type: 'number' } },
    };
    const copy = structuredClone(schema);
    toGbnfJsonSchema(schema);
    expect(schema).toEqual(copy);
  });
});
