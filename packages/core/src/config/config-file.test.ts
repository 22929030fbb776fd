import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { loadConfigFile, resolveConfigPath } from './config-file.js';

function writeConfig(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'outpost-config-')), 'config.json');
  writeFileSync(path, text);
  return path;
}

describe('resolveConfigPath', () => {
  it('prefers OUTPOST_CONFIG, then OUTPOST_HOME, then XDG_CONFIG_HOME, then ~/.config', () => {
    expect(resolveConfigPath({ OUTPOST_CONFIG: '/a/c.json', OUTPOST_HOME: '/h' }, '/home/u')).toBe(
      '/a/c.json',
    );
    expect(resolveConfigPath({ OUTPOST_HOME: '/h', XDG_CONFIG_HOME: '/x' }, '/home/u')).toBe(
      '/h/config.json',
    );
    expect(resolveConfigPath({ XDG_CONFIG_HOME: '/x' }, '/home/u')).toBe('/x/outpost/config.json');
    expect(resolveConfigPath({}, '/home/u')).toBe('/home/u/.config/outpost/config.json');
  });
});

describe('loadConfigFile', () => {
  it('treats a missing file as an empty config', () => {
    expect(loadConfigFile('/nonexistent/outpost/config.json')).toEqual({});
  });

  it('reads model, approval and limits', () => {
    const path = writeConfig(
      JSON.stringify({
        model: { baseUrl: 'http://127.0.0.1:8080/v1', name: 'qwen' },
        approval: 'auto-edit',
        maxSteps: 12,
      }),
    );
    expect(loadConfigFile(path)).toEqual({
      model: { baseUrl: 'http://127.0.0.1:8080/v1', name: 'qwen' },
      approval: 'auto-edit',
      maxSteps: 12,
    });
  });

  it('reads the repository map budget and the code index switch', () => {
    const path = writeConfig(JSON.stringify({ repoMap: { tokens: 0 }, index: { enabled: false } }));
    expect(loadConfigFile(path)).toEqual({ repoMap: { tokens: 0 }, index: { enabled: false } });
    const negative = writeConfig(JSON.stringify({ repoMap: { tokens: -5 } }));
    expect(() => loadConfigFile(negative)).toThrow('repoMap.tokens');
  });

  it('reads the loop guard thresholds and refuses ones that could not work', () => {
    const loopGuard = { repeatedCalls: 4, stepsWithoutProgress: 8, rewriteMaxLines: 0 };
    expect(loadConfigFile(writeConfig(JSON.stringify({ loopGuard })))).toEqual({ loopGuard });
    const once = writeConfig(JSON.stringify({ loopGuard: { repeatedCalls: 1 } }));
    expect(() => loadConfigFile(once)).toThrow('loopGuard.repeatedCalls');
    const typo = writeConfig(JSON.stringify({ loopGuard: { repeatCalls: 4 } }));
    expect(() => loadConfigFile(typo)).toThrow('loopGuard: unknown key "repeatCalls"');
  });

  it('reads the planning switch and size, and refuses a plan of one subtask', () => {
    const planning = { enabled: false, maxSubtasks: 4 };
    expect(loadConfigFile(writeConfig(JSON.stringify({ planning })))).toEqual({ planning });
    const one = writeConfig(JSON.stringify({ planning: { maxSubtasks: 1 } }));
    expect(() => loadConfigFile(one)).toThrow('planning.maxSubtasks');
    const typo = writeConfig(JSON.stringify({ planning: { enable: true } }));
    expect(() => loadConfigFile(typo)).toThrow('planning: unknown key "enable"');
  });

  it('reads the sync import clock-skew limit and refuses one that is not whole seconds', () => {
    const sync = { maxClockSkewSeconds: 900 };
    expect(loadConfigFile(writeConfig(JSON.stringify({ sync })))).toEqual({ sync });
    for (const [value, problem] of [
      [-1, 'must be 0 or more seconds'],
      [1.5, 'must be a whole number of seconds, such as 600'],
      ['600', 'must be a whole number of seconds, such as 600'],
    ] as const) {
      const path = writeConfig(JSON.stringify({ sync: { maxClockSkewSeconds: value } }));
      expect(() => loadConfigFile(path)).toThrow(
        `The config file ${path} is invalid: sync.maxClockSkewSeconds: ${problem}`,
      );
    }
    const typo = writeConfig(JSON.stringify({ sync: { maxClockSkew: 900 } }));
    expect(() => loadConfigFile(typo)).toThrow('sync: unknown key "maxClockSkew"');
  });

  it('names the file when the JSON does not parse', () => {
    const path = writeConfig('{ "model": ');
    expect(() => loadConfigFile(path)).toThrow(ConfigError);
    expect(() => loadConfigFile(path)).toThrow(`The config file ${path} is not valid JSON`);
  });

  it('names an unknown key, so a typo is never silently ignored', () => {
    const path = writeConfig(JSON.stringify({ model: { baseURL: 'http://x' } }));
    expect(() => loadConfigFile(path)).toThrow('model: unknown key "baseURL"');
  });

  it('names the key whose value is wrong', () => {
    const path = writeConfig(JSON.stringify({ approval: 'yolo', model: { baseUrl: 'ftp://x' } }));
    expect(() => loadConfigFile(path)).toThrow(
      'model.baseUrl: expected an http:// or https:// URL',
    );
    expect(() => loadConfigFile(path)).toThrow('approval: Invalid option: expected one of');
  });
});
