import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { parseConfigText } from './config-file.js';
import { effectivePolicy, loadProjectSettings } from './project-settings.js';

let projectRoot: string;
beforeEach(() => {
  projectRoot = mkdtempSync(join(tmpdir(), 'outpost-project-settings-'));
});
afterEach(() => rmSync(projectRoot, { recursive: true, force: true }));

function writeSettings(text: string): void {
  mkdirSync(join(projectRoot, '.outpost'), { recursive: true });
  writeFileSync(join(projectRoot, '.outpost', 'settings.json'), text);
}

describe('project settings', () => {
  it('a project without the file has none', () => {
    expect(loadProjectSettings(projectRoot)).toEqual({});
  });

  it('reads a local-only policy', () => {
    writeSettings('{ "router": { "policy": "local-only" } }');
    expect(loadProjectSettings(projectRoot)).toEqual({ router: { policy: 'local-only' } });
  });

  it('refuses a misspelt key instead of ignoring a privacy setting', () => {
    writeSettings('{ "router": { "polcy": "local-only" } }');
    expect(() => loadProjectSettings(projectRoot)).toThrow(ConfigError);
    expect(() => loadProjectSettings(projectRoot)).toThrow(
      /settings\.json are invalid: router: unknown key "polcy"/,
    );
    writeSettings('{ "router": { "policy": "local" } }');
    expect(() => loadProjectSettings(projectRoot)).toThrow(/router\.policy:/);
    writeSettings('{ not json');
    expect(() => loadProjectSettings(projectRoot)).toThrow(/are not valid JSON/);
  });
});

describe('effective policy', () => {
  it('the strictest setting wins, and says where it came from', () => {
    const local = { router: { policy: 'local-only' as const } };
    expect(effectivePolicy({ project: local, config: { policy: 'any' }, offline: false })).toEqual({
      policy: 'local-only',
      source: '.outpost/settings.json',
    });
    expect(
      effectivePolicy({ project: {}, config: { policy: 'local-only' }, offline: false }).policy,
    ).toBe('local-only');
    expect(effectivePolicy({ project: {}, config: undefined, offline: true })).toEqual({
      policy: 'local-only',
      source: '--offline',
    });
    expect(
      effectivePolicy({
        project: { router: { policy: 'any' } },
        config: undefined,
        offline: false,
      }),
    ).toEqual({ policy: 'any', source: undefined });
  });
});

describe('router config', () => {
  it('validates models, roles and the policy', () => {
    const config = parseConfigText(
      JSON.stringify({
        router: {
          policy: 'local-only',
          coolOffSeconds: 60,
          models: [
            { name: 'qwen2.5-coder:7b', baseUrl: 'http://127.0.0.1:11434', roles: ['coder'] },
            { name: 'qwen2.5-coder-1.5b', roles: ['explorer', 'reviewer'] },
          ],
        },
      }),
      'config.json',
    );
    expect(config.router?.models).toHaveLength(2);
    expect(() =>
      parseConfigText('{ "router": { "models": [ { "name": "a", "roles": ["coderr"] } ] } }', 'c'),
    ).toThrow(/router\.models\.0\.roles\.0:/);
    expect(() => parseConfigText('{ "router": { "models": [] } }', 'c')).toThrow(/router\.models:/);
    expect(() => parseConfigText('{ "router": { "policy": "cloud" } }', 'c')).toThrow(
      /router\.policy:/,
    );
  });
});
