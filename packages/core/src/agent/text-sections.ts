/**
 * Splits a prompt-text asset into named sections: each `## name` line starts one, and its text
 * runs to the next heading, trimmed. Text before the first heading (a comment for editors) is
 * left out. Throws on a duplicate name: assets are ours, and a mistake should fail the tests.
 */
export function textSections(text: string): ReadonlyMap<string, string> {
  const sections = new Map<string, string>();
  let name: string | undefined;
  let lines: string[] = [];
  const close = () => {
    if (name === undefined) return;
    if (sections.has(name)) throw new Error(`Duplicate section "${name}" in a text asset.`);
    sections.set(name, lines.join('\n').trim());
  };
  for (const line of text.split('\n')) {
    const heading = /^## (.+)$/.exec(line);
    if (heading === null) {
      lines.push(line);
      continue;
    }
    close();
    name = heading[1]?.trim();
    lines = [];
  }
  close();
  return sections;
}

/** Replaces each `{name}` in `template` with its value; an unknown name is a bug in the asset. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{([a-z-]+)\}/g, (match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No value for ${match} in a text template.`);
    return value;
  });
}

/** The section `name` of `sections`; a missing one is a bug in the asset. */
export function section(sections: ReadonlyMap<string, string>, name: string): string {
  const text = sections.get(name);
  if (text === undefined) throw new Error(`Missing section "${name}" in a text asset.`);
  return text;
}
