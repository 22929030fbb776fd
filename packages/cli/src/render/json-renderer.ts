import type { AgentEvent } from '@outpost/core';

/** `--json`: one JSON object per line on stdout, for scripts and other programs. */
export function createJsonRenderer(stdout: NodeJS.WritableStream): (event: AgentEvent) => void {
  return (event) => {
    stdout.write(`${JSON.stringify(event)}\n`);
  };
}
