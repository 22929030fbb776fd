import { describe, expect, it } from 'vitest';
import { regexSymbolExtractor } from './__fixtures__/regex-symbol-extractor.js';
import { buildMatchExpression } from './fts-query.js';

const build = (query: string) => buildMatchExpression(query, regexSymbolExtractor.identifierWords);

describe('buildMatchExpression', () => {
  it('ORs quoted identifier words, keeping whole camelCase identifiers', () => {
    expect(build('parseHttpResponse')).toBe(
      '"parsehttpresponse" OR "parse" OR "http" OR "response"',
    );
    expect(build('parse_http')).toBe('"parse" OR "http"');
  });

  it('leaves nothing FTS5 would read as syntax', () => {
    expect(build('NEAR(a b) AND "c":d*')).toBe('"near" OR "a" OR "b" OR "and" OR "c" OR "d"');
    expect(build('"(*:^')).toBeUndefined();
    expect(build('')).toBeUndefined();
  });

  it('keeps at most 48 terms of a long query', () => {
    const long = Array.from({ length: 100 }, (_, index) => `word${index}`).join(' ');
    expect(build(long)?.split(' OR ')).toHaveLength(48);
  });
});
