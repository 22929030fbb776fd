import { readTextAsset } from '../tool/text-asset.js';
import { fillTemplate, section, textSections } from './text-sections.js';

const TEXTS = textSections(readTextAsset(new URL('./loop-guard.md', import.meta.url)));
const ADVICE = textSections(readTextAsset(new URL('./loop-guard-advice.md', import.meta.url)));

/** Tools with their own advice in loop-guard-advice.md. */
const ADVISED_TOOLS = new Set([
  'read_file',
  'list_files',
  'search_code',
  'run_command',
  'edit_file',
  'write_file',
]);

/** How firmly the guard steps in: the first warning, the second, then the end of the run. */
export type LoopGuardLevel = 'note' | 'strategy' | 'stop';

/** What the guard saw repeat. */
export type LoopTrigger =
  | { reason: 'repeated-call'; count: number; toolName: string; arguments: string; ok: boolean }
  | { reason: 'repeated-error'; count: number; toolName: string; errorKind: string }
  | { reason: 'no-progress'; count: number };

/** The text appended to the tool result for the model (loop-guard.md, loop-guard-advice.md). */
export function loopGuardNote(
  level: LoopGuardLevel,
  trigger: LoopTrigger,
  options: { canChangeFiles: boolean },
): string {
  const values = { what: whatForModel(trigger) };
  if (level === 'stop') return fillTemplate(section(TEXTS, 'stop'), values);
  return fillTemplate(section(TEXTS, level), {
    ...values,
    advice: advice(level, trigger, options.canChangeFiles),
  });
}

/** One sentence for the user saying what repeated and what Outpost did about it. */
export function loopGuardSummary(level: LoopGuardLevel, trigger: LoopTrigger): string {
  const what = whatForUser(trigger);
  switch (level) {
    case 'note':
      return `${what}: told the model to do something else`;
    case 'strategy':
      return `${what}: told the model to change its approach (second warning)`;
    case 'stop':
      return `Stopped the run: ${what}, even after two warnings`;
  }
}

function whatForModel(trigger: LoopTrigger): string {
  const count = String(trigger.count);
  switch (trigger.reason) {
    case 'repeated-call':
      return fillTemplate(section(TEXTS, 'repeated-call'), {
        call: callForModel(trigger.toolName, trigger.arguments),
        count,
      });
    case 'repeated-error':
      return fillTemplate(section(TEXTS, 'repeated-error'), { count, kind: trigger.errorKind });
    case 'no-progress':
      return fillTemplate(section(TEXTS, 'no-progress'), { count });
  }
}

function whatForUser(trigger: LoopTrigger): string {
  switch (trigger.reason) {
    case 'repeated-call':
      return `${callForUser(trigger.toolName, trigger.arguments)} gave the same result ${trigger.count} times`;
    case 'repeated-error':
      return `the same error (${trigger.errorKind}) came back ${trigger.count} times`;
    case 'no-progress':
      return `${trigger.count} steps in a row found nothing new`;
  }
}

function advice(level: 'note' | 'strategy', trigger: LoopTrigger, canChangeFiles: boolean): string {
  const topic =
    trigger.reason === 'no-progress'
      ? 'no-progress'
      : trigger.toolName === 'edit_file'
        ? 'edit_file'
        : trigger.reason === 'repeated-error' || !trigger.ok
          ? 'error'
          : ADVISED_TOOLS.has(trigger.toolName)
            ? trigger.toolName
            : 'other';
  const name = `${level} ${topic}`;
  return (!canChangeFiles ? ADVICE.get(`${name} read-only`) : undefined) ?? section(ADVICE, name);
}

/** The call's main argument, for a sentence: `read_file on src/a.ts`, `run_command with "npm test"`. */
function callForModel(toolName: string, argumentsText: string): string {
  const argument = mainArgument(argumentsText);
  if (argument === undefined) return `${toolName} with the same arguments`;
  const joiner = argument.name === 'path' ? 'on' : argument.name === 'command' ? 'with' : 'for';
  const value = argument.name === 'path' ? argument.value : JSON.stringify(argument.value);
  return `${toolName} ${joiner} ${value}`;
}

function callForUser(toolName: string, argumentsText: string): string {
  const argument = mainArgument(argumentsText);
  return argument === undefined ? toolName : `${toolName} ${argument.value}`;
}

function mainArgument(argumentsText: string): { name: string; value: string } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(argumentsText);
  } catch {
    // Arguments that are not JSON have no main argument to name.
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  for (const name of ['path', 'command', 'pattern', 'query']) {
    const value = (parsed as Record<string, unknown>)[name];
    if (typeof value === 'string' && value.trim() !== '') {
      const line = value.trim().split('\n', 1)[0] ?? '';
      return { name, value: line.length > 80 ? `${line.slice(0, 79)}…` : line };
    }
  }
  return undefined;
}
