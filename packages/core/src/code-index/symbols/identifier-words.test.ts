import { describe, expect, it } from 'vitest';
import { identifierWords } from './identifier-words.js';

describe('identifierWords', () => {
  it.each([
    ['parseHTTPResponse', ['parse', 'http', 'response']],
    ['snake_case_name', ['snake', 'case', 'name']],
    ['Foo2Bar', ['foo2', 'bar']],
    ['HTTP2Server', ['http2', 'server']],
    ['IOError', ['io', 'error']],
    ['__init__', ['init']],
    ['MAX_RETRIES', ['max', 'retries']],
    ['kebab-case-name', ['kebab', 'case', 'name']],
    ['$scope', ['scope']],
    ['x', ['x']],
    ['getV2', ['get', 'v2']],
    ['std::vector', ['std', 'vector']],
    ['größeBerechnen', ['größe', 'berechnen']],
    ['', []],
    ['___', []],
  ])('%s → %j', (identifier, words) => {
    expect(identifierWords(identifier)).toEqual(words);
  });
});
