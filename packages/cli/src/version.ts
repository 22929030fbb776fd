import { readFileSync } from 'node:fs';

/** The CLI's version, read from its package.json (no other module needs to load for it). */
export function readVersion(): string {
  const packageJson = JSON.parse(
    readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  return packageJson.version;
}
