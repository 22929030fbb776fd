import { homedir } from 'node:os';
import { resolveDataDirectory } from '@outpost/core';
import { codeIndexPath, openProjectCodeIndex } from '@outpost/core/code-index';
import type { CodeIndex } from '@outpost/core/code-index';
import { processTerminal, terminalView } from '../agent-session.js';
import { resolveProjectRoot } from '../runtime.js';
import { oneLine } from '../text.js';

/** Opens the code index of the project around `cwd` (created on first use). */
async function openIndex(
  cwd: string,
): Promise<{ index: CodeIndex; projectRoot: string; path: string }> {
  const terminal = processTerminal();
  const projectRoot = await resolveProjectRoot(cwd);
  const path = codeIndexPath(resolveDataDirectory(terminal.env, homedir()), projectRoot);
  const index = openProjectCodeIndex({ projectRoot, indexPath: path });
  return { index, projectRoot, path };
}

/** `outpost index build`: indexes the project, re-reading only files that changed. */
export async function buildIndexCommand(flags: { cwd?: string; json?: boolean }): Promise<number> {
  const terminal = processTerminal();
  const view = terminalView(terminal);
  const { index, projectRoot } = await openIndex(flags.cwd ?? process.cwd());
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.once('SIGINT', onInterrupt);
  const interactive = terminal.stderr.isTTY === true && flags.json !== true;
  let lastDraw = 0;
  try {
    const result = await index.build({
      signal: controller.signal,
      onProgress: (progress) => {
        if (!interactive || progress.phase !== 'indexing') return;
        const now = Date.now();
        if (now - lastDraw < 100 && progress.done !== progress.total) return;
        lastDraw = now;
        terminal.stderr.write(
          `\r\u001b[2KIndexing ${progress.done}/${progress.total} ${oneLine(progress.path ?? '', 60)}`,
        );
      },
    });
    if (interactive) terminal.stderr.write('\r\u001b[2K');
    if (flags.json === true) {
      terminal.stdout.write(`${JSON.stringify(result)}\n`);
      return 0;
    }
    const seconds = (result.durationMs / 1000).toFixed(2);
    terminal.stdout.write(
      `Indexed ${projectRoot}: ${result.files} files (${result.indexed} read now, ${result.unchanged} unchanged, ${result.removed} removed), ` +
        `${result.symbols} symbols, ${result.chunks} chunks in ${seconds} s.\n`,
    );
    for (const skipped of result.skipped.filter((entry) => entry.reason === 'unreadable')) {
      terminal.stderr.write(
        view.style.yellow(`Could not read ${skipped.path}: ${skipped.detail ?? 'unreadable'}\n`),
      );
    }
    const others = result.skipped.filter((entry) => entry.reason !== 'unreadable').length;
    if (others > 0) {
      terminal.stdout.write(view.style.dim(`Skipped ${others} binary, vendored or huge files.\n`));
    }
    return 0;
  } catch (error) {
    if (controller.signal.aborted) {
      terminal.stderr.write('\nStopped; what was indexed so far is kept.\n');
      return 130;
    }
    throw error;
  } finally {
    process.off('SIGINT', onInterrupt);
    index.close();
  }
}

/** `outpost index status`: how big the index is, when it was built, and whether files changed since. */
export async function indexStatusCommand(flags: { cwd?: string; json?: boolean }): Promise<number> {
  const terminal = processTerminal();
  const { index, projectRoot, path } = await openIndex(flags.cwd ?? process.cwd());
  try {
    const status = index.status();
    const stale = status.builtAt === undefined ? undefined : await index.isStale();
    if (flags.json === true) {
      terminal.stdout.write(`${JSON.stringify({ projectRoot, path, ...status, stale })}\n`);
      return 0;
    }
    if (status.builtAt === undefined) {
      terminal.stdout.write(
        `${projectRoot} has no index yet. Build it with: outpost index build\n`,
      );
      return 0;
    }
    terminal.stdout.write(
      [
        `Project  ${projectRoot}`,
        `Index    ${path}`,
        `Built    ${new Date(status.builtAt).toLocaleString()}`,
        `Content  ${status.files} files, ${status.symbols} symbols, ${status.chunks} chunks`,
        `State    ${stale ? 'files changed since; outpost index build updates only those' : 'up to date'}`,
      ].join('\n') + '\n',
    );
    return 0;
  } finally {
    index.close();
  }
}

/** `outpost index search QUERY`: ranked places in the project, best first. */
export async function searchIndexCommand(
  query: string,
  flags: { cwd?: string; json?: boolean; limit?: string },
): Promise<number> {
  const terminal = processTerminal();
  const { style } = terminalView(terminal);
  const { index } = await openIndex(flags.cwd ?? process.cwd());
  try {
    if (index.status().builtAt === undefined) await index.build();
    const limit =
      flags.limit === undefined ? 10 : Math.max(1, Math.min(100, Number(flags.limit) || 10));
    const hits = index.search(query, { limit });
    if (flags.json === true) {
      for (const hit of hits) terminal.stdout.write(`${JSON.stringify(hit)}\n`);
      return 0;
    }
    if (hits.length === 0) {
      terminal.stdout.write('Nothing matches.\n');
      return 0;
    }
    for (const hit of hits) {
      const symbols =
        hit.symbols.length > 0 ? ` ${style.cyan(hit.symbols.slice(0, 4).join(', '))}` : '';
      terminal.stdout.write(
        `${style.bold(`${hit.path}:${hit.startLine}-${hit.endLine}`)}${symbols}\n`,
      );
      terminal.stdout.write(`${style.dim(`  ${oneLine(hit.snippet, 140)}`)}\n`);
    }
    return 0;
  } finally {
    index.close();
  }
}
