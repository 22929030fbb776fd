/** One line of a file and the line ending that followed it (`''` for a last line without one). */
export interface TextLine {
  text: string;
  eol: '\r\n' | '\n' | '';
}

/** Splits text into lines, keeping each line's ending so the text can be rebuilt byte for byte. */
export function splitLines(content: string): TextLine[] {
  if (content === '') return [];
  const pieces = content.split('\n');
  const lines: TextLine[] = pieces.map((piece, index) => {
    if (index === pieces.length - 1) return { text: piece, eol: '' };
    return piece.endsWith('\r')
      ? { text: piece.slice(0, -1), eol: '\r\n' }
      : { text: piece, eol: '\n' };
  });
  // Text ending with a newline has no line after it.
  if (lines.at(-1)?.text === '') lines.pop();
  return lines;
}

export function joinLines(lines: readonly TextLine[]): string {
  return lines.map((line) => line.text + line.eol).join('');
}

/** The ending most lines use (`\n` when there are none). */
export function dominantLineEnding(lines: readonly TextLine[]): '\r\n' | '\n' {
  let crlf = 0;
  let lf = 0;
  for (const line of lines) {
    if (line.eol === '\r\n') crlf += 1;
    else if (line.eol === '\n') lf += 1;
  }
  return crlf > lf ? '\r\n' : '\n';
}

/** Plain line texts of a block the model wrote, with CR removed. */
export function blockLines(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').split('\n');
}

export function isBlank(text: string): boolean {
  return text.trim() === '';
}

/** The 1-based line number of a character offset. */
export function lineNumberAt(content: string, offset: number): number {
  let line = 1;
  for (let index = content.indexOf('\n'); index !== -1 && index < offset;) {
    line += 1;
    index = content.indexOf('\n', index + 1);
  }
  return line;
}
