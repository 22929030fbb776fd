// The table `run.mjs` prints: each figure next to its target, and next to a baseline if given.

/** Renders the benchmark's figures and details as text. */
export function formatReport({ figures, details, baseline, targets: TARGETS, runs }) {
  const {
    firstRequest: first,
    fourStepFix: four,
    tenTurnSession: ten,
    embedded: embeddedTurns,
  } = details;
  const format = (value, unit) =>
    unit === '%'
      ? `${value.toFixed(1)}%`
      : unit === 'ms'
        ? `${value.toFixed(1)} ms`
        : Math.round(value).toLocaleString('en-US');
  const rows = [
    ['first request, full tool set, small repo (tokens)', 'firstRequestTokens', ''],
    ['4-step fix, all requests (tokens)', 'fourStepTotalTokens', ''],
    ['10-turn session, prefix reuse (lowest)', 'prefixReuseMinPercent', '%'],
    [`start-up, first session in a new project (median of ${runs})`, 'startupMedianMs', 'ms'],
    [`start-up, a later session (median of ${runs})`, 'laterStartupMedianMs', 'ms'],
    [`outpost --version (median of ${runs})`, 'versionMedianMs', 'ms'],
    ['harness overhead per step (median)', 'harnessOverheadMedianMs', 'ms'],
  ];
  const lines = ['Prompt economy — o200k tokens (gpt-tokenizer) over each JSON request body', ''];
  lines.push(
    `${'measure'.padEnd(52)}${'value'.padStart(12)}${'target'.padStart(12)}  result${baseline ? '    baseline' : ''}`,
  );
  for (const [label, key, unit] of rows) {
    const target = TARGETS[key];
    const value = figures[key];
    const ok = target.better === 'lower' ? value <= target.limit : value >= target.limit;
    let comparison = '';
    if (baseline && typeof baseline[key] === 'number') {
      // Tokens are exact: any growth past 1% counts. Timings are noisy: 20% and 1 ms at least.
      const before = baseline[key];
      const worse =
        unit === 'ms'
          ? value > before * 1.2 && value - before > 1
          : target.better === 'lower'
            ? value > before * 1.01
            : value < before - 0.5;
      comparison = `    ${format(baseline[key], unit)}${worse ? '  REGRESSION' : ''}`;
    }
    const limit = `${target.better === 'lower' ? '≤' : '≥'} ${format(target.limit, unit)}`;
    lines.push(
      `${label.padEnd(52)}${format(value, unit).padStart(12)}${limit.padStart(12)}  ${ok ? 'ok' : 'MISSED'}${comparison}`,
    );
  }
  lines.push('');
  lines.push(
    'First request by prompt profile (tokens: total = system + tools + user message + framing):',
  );
  for (const [profile, entry] of Object.entries(first)) {
    lines.push(
      `  ${profile.padEnd(8)} ${String(entry.tokens).padStart(6)} = ${entry.system} + ${entry.tools} + ${entry.user} + ${entry.tokens - entry.system - entry.tools - entry.user}`,
    );
  }
  lines.push(`4-step fix, tokens per request: ${four.perRequest.join(', ')}`);
  if (four.reflectionTokens !== undefined) {
    lines.push(
      `  then the end-of-session reflection: ${four.reflectionTokens} tokens (the last request's prefix + one message)`,
    );
  }
  lines.push(
    `10-turn session, prefix reuse per request: ${ten.prefixReusePercent.map((value) => value.toFixed(1)).join(', ')} %`,
  );
  lines.push(
    `harness overhead per step: ${ten.overheadMs.map((value) => value.toFixed(1)).join(', ')} ms`,
  );
  lines.push(
    `  (taken out: model calls ${ten.modelMs.map((value) => value.toFixed(1)).join(', ')} ms; tools ${ten.toolMs.map((value) => value.toFixed(1)).join(', ')} ms)`,
  );
  lines.push('');
  lines.push('Embedded runtime on the fixture GGUF (stories260K, in-process):');
  for (const turn of embeddedTurns) {
    lines.push(
      `  ${turn.turn.padEnd(34)} ${String(turn.evaluatedTokens).padStart(5)} of ${String(turn.inputTokens).padStart(5)} prompt tokens evaluated · first token ${Math.round(turn.timeToFirstTokenMs)} ms`,
    );
  }
  return `${lines.join('\n')}\n`;
}
