import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Most `git status` lines shown; the rest are counted. */
const STATUS_LINES = 20;

/**
 * The volatile context of one user turn (DESIGN §3.2): the date and time, the branch and the
 * working-tree status. It is appended to the user's message — never put in the stable prefix —
 * and recorded with it, so replaying the session sends the same bytes.
 */
export async function describeTurnContext(options: {
  projectRoot: string;
  now?: () => Date;
}): Promise<string> {
  const now = (options.now ?? (() => new Date()))();
  const lines = [`Time: ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC`];
  const git = await gitState(options.projectRoot);
  if (git !== undefined) lines.push(...git);
  return lines.join('\n');
}

async function gitState(projectRoot: string): Promise<string[] | undefined> {
  try {
    const { stdout } = await execFileAsync(
      'git',
      ['status', '--short', '--branch', '--untracked-files=normal'],
      { cwd: projectRoot, timeout: 5000, maxBuffer: 1024 * 1024 },
    );
    const [branchLine, ...changes] = stdout.trimEnd().split('\n');
    const branch = branchLine?.replace(/^## /, '') ?? '';
    const shown = changes.filter((line) => line !== '').slice(0, STATUS_LINES);
    const hidden = changes.length - shown.length;
    return [
      `Git branch: ${branch === '' ? 'unknown' : branch}`,
      shown.length === 0
        ? 'Git status: clean'
        : `Git status:\n${shown.join('\n')}${hidden > 0 ? `\n… and ${hidden} more` : ''}`,
    ];
  } catch {
    // Not a git work tree (or no git): there is no status to give.
    return undefined;
  }
}
