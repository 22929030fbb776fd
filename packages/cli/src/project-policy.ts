import {
  ConfigError,
  effectivePolicy,
  installOfflineSocketGuard,
  loadProjectSettings,
  localityOf,
} from '@outpost/core';
import type { Settings } from './runtime.js';

/**
 * Where a session's code may go, once its project is known: `local-only` when the project says so
 * (`.outpost/settings.json`), the config file says so for every project, or `--offline` is on.
 * A local-only session runs as if offline (every connection that would leave this machine is
 * refused, `docs/architecture/models.md`), and its model is chosen among local ones only.
 */
export function withProjectPolicy(settings: Settings, projectRoot: string): Settings {
  const policy = effectivePolicy({
    project: loadProjectSettings(projectRoot),
    config: settings.config.router,
    offline: settings.offline,
  });
  if (policy.policy === 'local-only' && !settings.offline) installOfflineSocketGuard();
  return { ...settings, offline: settings.offline || policy.policy === 'local-only', policy };
}

/**
 * Refuses a model server on another machine for a local-only project, before any connection, and
 * says which setting made it local-only (the offline guard would refuse it too, but blame
 * `--offline`).
 */
export function assertAllowedByPolicy(baseUrl: string, settings: Settings): void {
  const policy = settings.policy;
  if (policy?.policy !== 'local-only' || policy.source === '--offline') return;
  if (localityOf(baseUrl) === 'local') return;
  throw new ConfigError(
    `This project is local-only (${policy.source}), so its code is not sent to the model server ` +
      `at ${baseUrl}. Use a model on this machine: a GGUF file, or a server on localhost.`,
  );
}
