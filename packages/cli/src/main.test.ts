import { modelCatalogue } from '@outpost/core';
import { describe, expect, it } from 'vitest';
import { PULL_HELP } from './main.js';

describe('outpost models pull --help', () => {
  it('names every model of the built-in catalogue, with its size', () => {
    for (const entry of modelCatalogue) {
      expect(PULL_HELP).toContain(entry.name);
      const gigabytes = (entry.sizeBytes ?? 0) / 1e9;
      expect(PULL_HELP).toContain(
        `${entry.name}   ${gigabytes < 1 ? gigabytes.toFixed(2) : gigabytes.toFixed(1)} GB`,
      );
    }
  });
});
