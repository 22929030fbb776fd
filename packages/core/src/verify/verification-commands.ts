import { detectTestCommand } from './detect-verification.js';
import type { VerificationCommand } from './verification-command.js';

/** The `verify` section of the config file that says which commands check a change. */
export interface VerificationCommandConfig {
  /** A test command, `false` for none, or absent to detect one. */
  test?: string | false;
  typecheck?: string;
  lint?: string;
}

/**
 * The commands that check a change in this project, in the order they run: the configured
 * type-check and lint, then the configured test command or the one detected from the project's
 * files. Empty when there is nothing to run.
 */
export function chooseVerificationCommands(
  projectRoot: string,
  config: VerificationCommandConfig = {},
): VerificationCommand[] {
  const commands: VerificationCommand[] = [];
  if (config.typecheck !== undefined) {
    commands.push({ kind: 'typecheck', command: config.typecheck, source: 'config' });
  }
  if (config.lint !== undefined) {
    commands.push({ kind: 'lint', command: config.lint, source: 'config' });
  }
  if (typeof config.test === 'string') {
    commands.push({ kind: 'test', command: config.test, source: 'config' });
  } else if (config.test === undefined) {
    const detected = detectTestCommand(projectRoot);
    if (detected !== undefined) commands.push(detected);
  }
  return commands;
}
