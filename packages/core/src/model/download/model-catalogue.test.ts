import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../errors/not-found-error.js';
import { ModelDownloadError } from './download-error.js';
import { findCatalogueEntry, modelCatalogue, resolvePullTarget } from './model-catalogue.js';
import { modelFileNameFromUrl } from './model-file-name.js';

describe('modelCatalogue', () => {
  it('has a few entries with unique names', () => {
    expect(modelCatalogue.length).toBeGreaterThanOrEqual(3);
    expect(modelCatalogue.length).toBeLessThanOrEqual(6);
    const names = modelCatalogue.map((entry) => entry.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(modelCatalogue.map((entry) => [entry.name, entry] as const))(
    '%s has an https Hugging Face URL of a .gguf file and well-formed figures',
    (_name, entry) => {
      const url = new URL(entry.url);
      expect(url.protocol).toBe('https:');
      expect(url.hostname).toBe('huggingface.co');
      expect(url.pathname).toMatch(/\/resolve\/[^/]+\/[^/]+\.gguf$/);
      expect(modelFileNameFromUrl(entry.url)).toMatch(/\.gguf$/);
      if (entry.sha256 !== undefined) expect(entry.sha256).toMatch(/^[0-9a-f]{64}$/);
      if (entry.sizeBytes !== undefined) {
        expect(Number.isSafeInteger(entry.sizeBytes) && entry.sizeBytes > 0).toBe(true);
      }
      expect(entry.name).toMatch(/^[a-z0-9][a-z0-9.-]*$/);
      expect(entry.contextLength).toBeGreaterThan(0);
      expect(entry.license).not.toBe('');
      expect(entry.description).not.toBe('');
    },
  );
});

describe('findCatalogueEntry', () => {
  it('finds an entry ignoring case and spaces', () => {
    expect(findCatalogueEntry(' Qwen2.5-Coder-1.5B ')?.name).toBe('qwen2.5-coder-1.5b');
    expect(findCatalogueEntry('qwen2.5-coder-1.5')).toBeUndefined();
  });
});

describe('resolvePullTarget', () => {
  it('resolves a catalogue name to its URL, NAME.gguf and figures', () => {
    const entry = findCatalogueEntry('qwen2.5-coder-7b')!;
    expect(resolvePullTarget('QWEN2.5-CODER-7B')).toEqual({
      url: entry.url,
      fileName: 'qwen2.5-coder-7b.gguf',
      sha256: entry.sha256,
      sizeBytes: entry.sizeBytes,
      entry,
    });
  });

  it('resolves a URL to its file name, without a checksum', () => {
    expect(
      resolvePullTarget(
        'https://huggingface.co/o/r/resolve/main/Some-Model-Q4_K_M.gguf?download=true',
      ),
    ).toEqual({
      url: 'https://huggingface.co/o/r/resolve/main/Some-Model-Q4_K_M.gguf?download=true',
      fileName: 'Some-Model-Q4_K_M.gguf',
    });
  });

  it('recognises the URL of a catalogue entry and keeps its checksum', () => {
    const entry = findCatalogueEntry('qwen2.5-coder-0.5b')!;
    expect(resolvePullTarget(entry.url)).toMatchObject({ sha256: entry.sha256, entry });
  });

  it('lists the built-in names for an unknown name', () => {
    expect(() => resolvePullTarget('llama-9000')).toThrow(NotFoundError);
    expect(() => resolvePullTarget('llama-9000')).toThrow(
      /no built-in model named "llama-9000".*qwen2\.5-coder-0\.5b, qwen2\.5-coder-1\.5b/,
    );
  });

  it('points a local path at `outpost models add`', () => {
    expect(() => resolvePullTarget('./models/mine.gguf')).toThrow(/outpost models add PATH/);
  });

  it.each([
    ['ftp://example.com/model.gguf', /Only http\(s\) URLs/],
    ['file:///home/me/model.gguf', /outpost models add PATH/],
    ['https://example.com/model.bin', /does not name a \.gguf file/],
    ['https://huggingface.co/o/r/resolve/main/', /does not name a \.gguf file/],
    ['https://', /not a URL/],
  ])('refuses %s', (input, message) => {
    expect(() => resolvePullTarget(input)).toThrow(ModelDownloadError);
    expect(() => resolvePullTarget(input)).toThrow(message);
  });
});

describe('modelFileNameFromUrl', () => {
  it('takes the decoded last path segment and drops the query string', () => {
    expect(modelFileNameFromUrl('http://host/a/b/My%20Model.GGUF?x=1#part')).toBe('My Model.GGUF');
  });

  it('refuses names that are hidden or that hide a path', () => {
    expect(() => modelFileNameFromUrl('https://host/a/.gguf')).toThrow(/starts with a dot/);
    expect(() => modelFileNameFromUrl('https://host/a/..%2Fx.gguf')).toThrow(/path separator/);
  });
});
