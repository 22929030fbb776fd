/** `text` on one line (whitespace runs collapsed), cut to `width` characters with an ellipsis. */
export function oneLine(text: string, width: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}
