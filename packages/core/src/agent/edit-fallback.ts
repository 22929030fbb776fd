import { splitLines } from '../edit/text-lines.js';
import { formatByteSize, readTextFile } from '../project/file-kind.js';
import { resolveProjectPath } from '../project/project-paths.js';
import { readTextAsset } from '../tool/text-asset.js';
import type { LoopGuardSettings } from './loop-guard-settings.js';
import { fillTemplate, section, textSections } from './text-sections.js';

const TEXTS = textSections(readTextAsset(new URL('./edit-fallback.md', import.meta.url)));

export interface EditFallback {
  /** `rewrite-file`: the file's whole content went with the note; `reread-file`: it is too large. */
  action: 'rewrite-file' | 'reread-file';
  /** Appended to the failed edit's result. */
  note: string;
  /** One sentence for the user. */
  summary: string;
}

export interface EditFallbackInput {
  projectRoot: string;
  /** The file, relative to the project root (as the loop guard normalised it). */
  path: string;
  /** Failed edits of it so far, this one included. */
  failures: number;
  /** What an earlier failure already got, since the file last changed. */
  given: EditFallback['action'] | undefined;
  settings: Pick<LoopGuardSettings, 'rewriteMaxLines' | 'rewriteMaxBytes'>;
  /** write_file is offered to the model. */
  canWriteFiles: boolean;
  /** Whether writing `content` back whole fits one reply of the model (the context budget). */
  fitsReply: (content: string) => Promise<boolean>;
}

/**
 * The edit fallback (docs/architecture/agent-loop.md): once edit_file keeps failing on one file,
 * a file small enough to write back whole in one reply is handed to the model with the
 * instruction to rewrite it with write_file (once; later failures get a reminder), and a larger
 * one gets the instruction to read the exact lines before copying them. Undefined when the file
 * cannot be read as text (the edit's own error already says why).
 */
export async function editFallback(input: EditFallbackInput): Promise<EditFallback | undefined> {
  const { path, failures, settings } = input;
  if (input.given === 'rewrite-file') {
    return {
      action: 'rewrite-file',
      note: fillTemplate(section(TEXTS, 'rewrite-file again'), { path }),
      summary: `edit_file failed again on ${path}: reminded the model to write the whole file with write_file`,
    };
  }
  const resolved = resolveProjectPath(input.projectRoot, path);
  if (!resolved.ok) return undefined;
  let content: string | undefined;
  let size: string;
  try {
    const file = await readTextFile(resolved.absolutePath, {
      maxBytes: Math.max(settings.rewriteMaxBytes, 0),
    });
    if (file.kind === 'too-large') size = formatByteSize(file.size);
    else if (file.kind === 'text') {
      content = file.content.replace(/^\uFEFF/, '');
      const lines = splitLines(content).length;
      size = `${lines} line${lines === 1 ? '' : 's'}, ${formatByteSize(file.size)}`;
      if (lines > settings.rewriteMaxLines) content = undefined;
    } else return undefined;
  } catch {
    // The file is gone or unreadable: the failed edit's own message says so.
    return undefined;
  }
  if (content !== undefined && input.canWriteFiles && (await input.fitsReply(content))) {
    return {
      action: 'rewrite-file',
      note: fillTemplate(section(TEXTS, 'rewrite-file'), {
        count: String(failures),
        path,
        size,
        content: fenced(content),
      }),
      summary: `edit_file failed ${failures} times on ${path}: gave the model the whole file to write back with write_file`,
    };
  }
  return {
    action: 'reread-file',
    note: fillTemplate(section(TEXTS, 'reread-file'), { count: String(failures), path, size }),
    summary: `edit_file failed ${failures} times on ${path}: told the model to read the exact lines first (too large to rewrite whole)`,
  };
}

/** `content` in a code fence longer than any run of backticks inside it. */
function fenced(content: string): string {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}\n${content.endsWith('\n') ? content : `${content}\n`}${fence}`;
}
