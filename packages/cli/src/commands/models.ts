import { homedir } from 'node:os';
import {
  addLocalModel,
  createGuardedFetch,
  discoverModels,
  formatBytes,
  downloadModel,
  measureModelSpeed,
  modelRegistryPath,
  modelsDirectory,
  readGgufSummary,
  resolveDataDirectory,
  resolvePullTarget,
  chooseToolProtocol,
} from '@outpost/core';
import type { ModelCandidate } from '@outpost/core';
import { terminalView, processTerminal } from '../agent-session.js';
import { chooseModel } from '../model-choice.js';
import { modelSpeedsPath, recordModelSpeed } from '../model-speeds.js';
import { createProgressBar } from '../render/progress-bar.js';
import { loadSettings } from '../runtime.js';
import type { AgentFlags } from '../runtime.js';

/** `outpost models list`: every model reachable now, with its context size and tool calling. */
export async function listModelsCommand(flags: {
  json?: boolean;
  offline?: boolean;
}): Promise<number> {
  const terminal = processTerminal();
  const settings = loadSettings(terminal.env, flags);
  const { style } = terminalView(terminal);
  const dataDirectory = resolveDataDirectory(terminal.env, homedir());
  const folder = modelsDirectory(dataDirectory);
  const discovery = await discoverModels({
    fetch: createGuardedFetch({ offline: settings.offline }),
    modelsDirectory: folder,
    registryPath: modelRegistryPath(dataDirectory),
    details: true,
  });
  if (flags.json === true) {
    for (const candidate of discovery.candidates) {
      terminal.stdout.write(
        `${JSON.stringify({ ...candidate, toolProtocol: protocolOf(candidate) })}\n`,
      );
    }
    return 0;
  }
  const rows = discovery.candidates.map((candidate) => [
    candidate.name,
    whereOf(candidate),
    candidate.contextWindow === undefined ? '?' : candidate.contextWindow.toLocaleString('en-US'),
    candidate.sizeBytes === undefined ? '' : formatBytes(candidate.sizeBytes),
    candidate.kind === 'file' && candidate.problem ? 'unreadable' : protocolOf(candidate),
  ]);
  if (rows.length > 0) {
    const header = ['NAME', 'WHERE', 'CONTEXT', 'SIZE', 'TOOL CALLS'];
    const widths = header.map((title, column) =>
      Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
    );
    const format = (row: string[]) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd();
    terminal.stdout.write(`${style.bold(format(header))}\n`);
    for (const row of rows) terminal.stdout.write(`${format(row)}\n`);
  } else {
    terminal.stdout.write('No models found.\n');
  }
  const down = discovery.servers.filter((server) => !server.reachable);
  if (down.length > 0) {
    const names = down.map((server) => `${server.server} (${new URL(server.baseUrl).host})`);
    terminal.stdout.write(style.dim(`Not running: ${names.join(', ')}.\n`));
  }
  for (const candidate of discovery.candidates) {
    if (candidate.kind === 'file' && candidate.problem) {
      terminal.stdout.write(style.yellow(`${candidate.name}: ${candidate.problem}\n`));
    }
  }
  terminal.stdout.write(
    style.dim(
      `GGUF files: ${folder} (outpost models pull NAME|URL), or any path with outpost models add PATH.\n`,
    ),
  );
  return 0;
}

function whereOf(candidate: ModelCandidate): string {
  if (candidate.kind === 'file') return `in-process (${candidate.source})`;
  const host = new URL(candidate.baseUrl).host;
  return `${candidate.server} ${host}${candidate.loaded ? ' · loaded' : ''}`;
}

function protocolOf(candidate: ModelCandidate): string {
  if (candidate.capabilities.embeddings) return 'embeddings only';
  return chooseToolProtocol(candidate.capabilities);
}

/** `outpost models add PATH`: makes a GGUF file anywhere on disk known by name. */
export async function addModelCommand(path: string, flags: { name?: string }): Promise<number> {
  const terminal = processTerminal();
  const dataDirectory = resolveDataDirectory(terminal.env, homedir());
  const summary = await readGgufSummary(path);
  const added = await addLocalModel({
    registryPath: modelRegistryPath(dataDirectory),
    modelsDirectory: modelsDirectory(dataDirectory),
    path,
    ...(flags.name === undefined ? {} : { name: flags.name }),
  });
  const context =
    summary.contextLength === undefined
      ? ''
      : `, trained context ${summary.contextLength.toLocaleString('en-US')} tokens`;
  terminal.stdout.write(
    `Added ${added.name}: ${added.path} (${summary.architecture}${context}, ${formatBytes(added.sizeBytes)}).\n` +
      `Use it with: outpost run --model ${added.name} "<task>"\n`,
  );
  return 0;
}

/** `outpost models test [NAME]`: loads the model, generates a little, and reports its speed. */
export async function testModelCommand(
  name: string | undefined,
  flags: AgentFlags,
): Promise<number> {
  const terminal = processTerminal();
  const settings = loadSettings(terminal.env, flags);
  const choice = await chooseModel(
    name === undefined ? flags : { ...flags, model: name },
    settings,
  );
  const { model } = choice;
  if (choice.note) terminal.stderr.write(`${choice.note}\n`);
  const view = terminalView(terminal);
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.once('SIGINT', onInterrupt);
  try {
    terminal.stdout.write(`Testing ${model.modelId} (${model.provider}, ${choice.location})…\n`);
    view.spinner.start('loading');
    const result = await measureModelSpeed(model, {
      signal: controller.signal,
      onLoaded: (loadMs) => {
        view.spinner.stop();
        terminal.stdout.write(`Loaded and answered in ${seconds(loadMs)}.\n`);
        view.spinner.start('measuring');
      },
    });
    view.spinner.stop();
    if (!result.success) {
      terminal.stderr.write(`outpost: ${result.error.message}\n`);
      return result.error.kind === 'cancelled' ? 130 : 1;
    }
    const { speed } = result;
    if (speed.promptTokensPerSecond !== undefined) {
      recordModelSpeed(
        modelSpeedsPath(resolveDataDirectory(terminal.env, homedir())),
        model.provider,
        model.modelId,
        {
          promptTokensPerSecond: speed.promptTokensPerSecond,
          ...(speed.generationTokensPerSecond === undefined
            ? {}
            : { generationTokensPerSecond: speed.generationTokensPerSecond }),
        },
      );
    }
    const contextWindow = await model.contextWindow();
    const lines = [
      `Context:     ${contextWindow === undefined ? 'unknown' : `${contextWindow.toLocaleString('en-US')} tokens`} · tool calls: ${choice.protocol} · prompt profile: ${choice.profile}`,
      `Prompt:      ${speed.evaluatedPromptTokens} tokens in ${seconds(speed.timeToFirstTokenMs)} → ${perSecond(speed.promptTokensPerSecond)}`,
      `Generation:  ${speed.generatedTokens} tokens in ${seconds(speed.generationMs)} → ${perSecond(speed.generationTokensPerSecond)}`,
      `Sample:      ${JSON.stringify(speed.sample)}`,
    ];
    terminal.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    process.off('SIGINT', onInterrupt);
    view.spinner.stop();
    await model.dispose?.();
  }
}

function seconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(2)} s`;
}

function perSecond(rate: number | undefined): string {
  return rate === undefined ? 'n/a' : `${Math.round(rate).toLocaleString('en-US')} tokens/s`;
}

/** `outpost models pull NAME|URL`: downloads a GGUF into the models folder, resumably. */
export async function pullModelCommand(
  target: string,
  flags: { sha256?: string; force?: boolean; offline?: boolean },
): Promise<number> {
  const terminal = processTerminal();
  const settings = loadSettings(terminal.env, flags);
  const dataDirectory = resolveDataDirectory(terminal.env, homedir());
  const resolved = resolvePullTarget(target);
  const sha256 = flags.sha256?.toLowerCase() ?? resolved.sha256;
  const folder = modelsDirectory(dataDirectory);
  const bar = createProgressBar(terminal.stderr, { interactive: terminal.stderr.isTTY === true });
  const controller = new AbortController();
  const onInterrupt = () => {
    terminal.stderr.write('\nStopping; the part downloaded so far is kept.\n');
    controller.abort();
  };
  process.once('SIGINT', onInterrupt);
  terminal.stderr.write(
    `Downloading ${resolved.fileName} from ${new URL(resolved.url).host}` +
      (sha256 === undefined
        ? ' (no known checksum: the file is checked only for size and GGUF format)'
        : '') +
      '…\n',
  );
  try {
    const result = await downloadModel({
      url: resolved.url,
      directory: folder,
      fileName: resolved.fileName,
      fetch: createGuardedFetch({ offline: settings.offline }),
      signal: controller.signal,
      ...(sha256 === undefined ? {} : { sha256 }),
      ...(resolved.sizeBytes === undefined ? {} : { expectedSize: resolved.sizeBytes }),
      ...(flags.force === true ? { force: true } : {}),
      onProgress: (progress) => {
        if (progress.resumedFromBytes > 0 && progress.receivedBytes === progress.resumedFromBytes) {
          terminal.stderr.write(`Resuming after ${formatBytes(progress.resumedFromBytes)}.\n`);
        }
        bar.update(progress.receivedBytes, progress.totalBytes);
      },
    });
    bar.finish();
    const name = resolved.fileName.replace(/\.gguf$/i, '');
    const state = result.alreadyPresent
      ? 'Already downloaded'
      : result.verified
        ? 'Downloaded and verified (sha256)'
        : 'Downloaded';
    terminal.stdout.write(
      `${state}: ${result.path} (${formatBytes(result.sizeBytes)}, sha256 ${result.sha256}).\n` +
        `Use it with: outpost run --model ${name} "<task>"\n`,
    );
    return 0;
  } catch (error) {
    bar.finish();
    if (controller.signal.aborted) {
      terminal.stderr.write(`Interrupted. Run the same command again to resume.\n`);
      return 130;
    }
    throw error;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
