/** What a verification command checks; they run in this order, and the first failure ends a check. */
export const VERIFICATION_KINDS = ['typecheck', 'lint', 'test'] as const;
export type VerificationKind = (typeof VERIFICATION_KINDS)[number];

/** A command Outpost runs itself after the model changed files, to check the change. */
export interface VerificationCommand {
  kind: VerificationKind;
  /** A shell command, run in the project root. */
  command: string;
  /** Where it came from: the config file, or the project file it was detected from. */
  source: string;
}
