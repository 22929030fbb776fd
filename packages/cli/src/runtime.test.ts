import { describe, expect, it } from 'vitest';
import { normalizeBaseUrl, titleFrom } from './runtime.js';

describe('normalizeBaseUrl', () => {
  it('adds /v1 to a bare server address and says so', () => {
    expect(normalizeBaseUrl('http://127.0.0.1:11434/')).toEqual({
      url: 'http://127.0.0.1:11434/v1',
      note: 'Added /v1 to the server URL: http://127.0.0.1:11434/v1.',
    });
  });

  it('keeps a URL that has a path, without its trailing slash', () => {
    expect(normalizeBaseUrl('http://gpu-box:8000/v1/')).toEqual({
      url: 'http://gpu-box:8000/v1',
      note: undefined,
    });
    expect(normalizeBaseUrl('https://proxy/llm/openai')).toEqual({
      url: 'https://proxy/llm/openai',
      note: undefined,
    });
  });
});

describe('titleFrom', () => {
  it('keeps the first message on one line and cuts it to a readable length', () => {
    expect(titleFrom('fix\n  the   parser')).toBe('fix the parser');
    const long = titleFrom('x'.repeat(200));
    expect(long).toHaveLength(80);
    expect(long.endsWith('…')).toBe(true);
  });
});
