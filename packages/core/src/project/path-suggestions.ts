/**
 * Project files the model may have meant by a path that does not exist: the same path under
 * another directory, the same file name elsewhere, the same name with another extension, or a
 * name a typo or two away. Best first, at most `limit`.
 */
export function suggestSimilarPaths(files: readonly string[], wanted: string, limit = 5): string[] {
  const wantedPath = wanted.replace(/^(\.\/)+/, '').toLowerCase();
  const wantedName = baseName(wantedPath);
  const wantedStem = stem(wantedName);
  const maxDistance = Math.max(1, Math.floor(wantedName.length / 4));
  const scored: { file: string; score: number }[] = [];
  for (const file of files) {
    const lower = file.toLowerCase();
    const name = baseName(lower);
    let score: number | null = null;
    if (lower.endsWith(`/${wantedPath}`) || wantedPath.endsWith(`/${lower}`)) score = 0;
    else if (name === wantedName) score = 1;
    else if (wantedStem !== '' && stem(name) === wantedStem) score = 2;
    else {
      const distance = editDistance(name, wantedName, maxDistance);
      if (distance <= maxDistance) score = 2 + distance;
    }
    if (score !== null) scored.push({ file, score });
  }
  return scored
    .sort(
      (a, b) => a.score - b.score || a.file.length - b.file.length || (a.file < b.file ? -1 : 1),
    )
    .slice(0, limit)
    .map(({ file }) => file);
}

function baseName(filePath: string): string {
  return filePath.slice(filePath.lastIndexOf('/') + 1);
}

function stem(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? name : name.slice(0, dot);
}

/**
 * Edit distance counting a swap of two neighbouring characters as one edit (the commonest
 * typo), or `limit + 1` as soon as it must exceed `limit`.
 */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    let rowMinimum = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (beforePrevious[j - 2] ?? 0) + 1);
      }
      current.push(value);
      rowMinimum = Math.min(rowMinimum, value);
    }
    if (rowMinimum > limit) return limit + 1;
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length] ?? limit + 1;
}
