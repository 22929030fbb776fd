import { describe, expect, it } from 'vitest';
import { createDefaultTools } from '../tool/default-tools.js';
import { toToolSpec } from '../tool/tool.js';
import { choosePromptProfile, toolSpecForProfile } from './prompt-profile.js';

describe('choosing a prompt profile', () => {
  it('follows the real context window', () => {
    expect(choosePromptProfile({ contextWindow: 2048 })).toBe('tiny');
    expect(choosePromptProfile({ contextWindow: 8192 })).toBe('compact');
    expect(choosePromptProfile({ contextWindow: 32_768 })).toBe('full');
    expect(choosePromptProfile({ contextWindow: undefined })).toBe('compact');
  });

  it('gives a slow prefill a smaller prompt', () => {
    expect(choosePromptProfile({ contextWindow: 131_072, promptTokensPerSecond: 100 })).toBe(
      'compact',
    );
    expect(choosePromptProfile({ contextWindow: 131_072, promptTokensPerSecond: 20 })).toBe('tiny');
    expect(choosePromptProfile({ contextWindow: 131_072, promptTokensPerSecond: 2000 })).toBe(
      'full',
    );
  });
});

// What the model sees for every built-in tool in the two smaller profiles (`full` is the
// snapshot in tool-schemas.test.ts). Every tool and every argument stays in every profile.
describe('tool specs per profile', () => {
  const specs = createDefaultTools().map((tool) => toToolSpec(tool));

  for (const profile of ['compact', 'tiny'] as const) {
    it(`${profile} matches the snapshot`, () => {
      expect(specs.map((spec) => toolSpecForProfile(spec, profile))).toMatchSnapshot();
    });

    it(`${profile} keeps every tool and argument, and is smaller than full`, () => {
      for (const spec of specs) {
        const shrunk = toolSpecForProfile(spec, profile);
        expect(shrunk.name).toBe(spec.name);
        expect(Object.keys(shrunk.inputSchema.properties ?? {})).toEqual(
          Object.keys(spec.inputSchema.properties ?? {}),
        );
        expect(shrunk.inputSchema.required).toEqual(spec.inputSchema.required);
        expect(JSON.stringify(shrunk).length).toBeLessThan(JSON.stringify(spec).length);
      }
    });
  }

  it('tiny names each argument, marking the optional ones', () => {
    const readFile = specs.find((spec) => spec.name === 'read_file');
    if (!readFile) throw new Error('read_file missing');
    expect(toolSpecForProfile(readFile, 'tiny').description).toBe(
      'Read a text file in the project. Arguments: path, offset?, limit?.',
    );
  });
});
