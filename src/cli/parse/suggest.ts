// "Did you mean": the known name closest to a mistyped one, when it is close enough to be a typo.

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      const row = d[i];
      if (row !== undefined) row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The candidate nearest to `word`, if at most about a third of its letters are wrong; the first
 * candidate wins a tie, so callers list the likelier names first.
 */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  const bare = word.replace(/^-+/, '').toLowerCase();
  const limit = Math.max(1, Math.floor(bare.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const name = candidate.replace(/^-+/, '').toLowerCase();
    // A typo in the first part of a long name (`--formt` for `--format-type`) counts as that typo alone.
    const head = bare.length >= 3 ? editDistance(bare, name.slice(0, bare.length)) : Number.POSITIVE_INFINITY;
    const distance = Math.min(editDistance(bare, name), head);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `, maybe you meant 'workflow'?`: the wording Python's argparse uses for its own suggestions. */
export function suggestionText(word: string, candidates: readonly string[]): string {
  const match = closestName(word, candidates);
  return match === undefined ? '' : `, maybe you meant '${match}'?`;
}
