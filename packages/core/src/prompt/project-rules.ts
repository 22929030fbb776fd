import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Files whose instructions Outpost follows, in the order they are read. */
export const PROJECT_RULE_FILES = ['AGENTS.md', 'CLAUDE.md', '.cursorrules', 'CONVENTIONS.md'];

export interface ProjectRules {
  /** What goes into the stable prompt prefix; '' when the project has none. */
  text: string;
  files: { path: string; bytes: number; truncated: boolean }[];
}

/**
 * Reads the project's rules files at its root, each under a heading, in all at most `capBytes`
 * (a file that does not fit is cut, and says so). Loaded once per session into the stable prompt
 * prefix: the session records the text, so later turns and resumes send the same bytes.
 */
export function loadProjectRules(projectRoot: string, capBytes: number): ProjectRules {
  const files: ProjectRules['files'] = [];
  const parts: string[] = [];
  let room = capBytes;
  for (const path of PROJECT_RULE_FILES) {
    const content = readIfFile(join(projectRoot, path));
    if (content === undefined || content.trim() === '' || room <= 0) continue;
    const body = content.trim();
    const truncated = Buffer.byteLength(body) > room;
    const kept = truncated ? `${cutToBytes(body, room)}\n[… cut: read ${path} for the rest]` : body;
    parts.push(`### ${path}\n${kept}`);
    files.push({ path, bytes: Buffer.byteLength(body), truncated });
    room -= Buffer.byteLength(kept);
  }
  const text =
    parts.length === 0
      ? ''
      : `Project rules (from the project's own files; follow them):\n\n${parts.join('\n\n')}`;
  return { text, files };
}

function readIfFile(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    // Missing or unreadable: the project simply has no such rules file.
    return undefined;
  }
}

/** The longest start of `text` within `bytes` UTF-8 bytes, ending at a line break when it can. */
function cutToBytes(text: string, bytes: number): string {
  let cut = Buffer.from(text)
    .subarray(0, bytes)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  const lastLine = cut.lastIndexOf('\n');
  if (lastLine > cut.length / 2) cut = cut.slice(0, lastLine);
  return cut;
}
