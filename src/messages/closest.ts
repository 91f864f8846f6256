/** The known ids nearest to a mistyped one (Levenshtein distance), for "did you mean" hints. */

/** Edits (insert, delete, substitute) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitute));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * Up to `count` known ids closest to `given` (case-insensitive), nearest first;
 * none when even the nearest differs in more than half of its characters.
 */
export function closestIds(given: string, known: readonly string[], count: number): string[] {
  const lower = given.toLowerCase();
  const scored = [...new Set(known)].map((id) => {
    const target = id.toLowerCase();
    // A prefix or part of an id ('gradients') is near even when much shorter.
    const distance = target.includes(lower) && lower.length >= 3 ? Math.min(1, editDistance(lower, target)) : editDistance(lower, target);
    return { id, distance };
  });
  const limit = Math.max(2, Math.ceil(lower.length / 2));
  return scored
    .filter((s) => s.distance <= limit)
    .sort((a, b) => a.distance - b.distance || a.id.localeCompare(b.id))
    .slice(0, count)
    .map((s) => s.id);
}
