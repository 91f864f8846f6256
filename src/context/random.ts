/** Seeded randomness: the same seed gives the same diagnosis. */

/** A uniform [0, 1) generator (mulberry32): small, fast, and good enough for sampling. */
export function seededRandom(seed: number): () => number {
  let state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates shuffle of 0..n-1 with the given generator. */
export function shuffledIndices(n: number, random: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * A seed for one named stream of a run (e.g. one check), derived from the run's
 * seed (FNV-1a over "seed:name"): each check draws the same numbers whatever
 * other checks ran before it, so `only`/`skip` and concurrency change nothing.
 */
export function streamSeed(seed: number, name: string): number {
  let hash = 0x811c9dc5;
  for (const char of `${seed}:${name}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * Runs a SYNCHRONOUS function with Math.random drawing from `random`, and
 * restores it before returning. tfjs draws initializer values, dropout masks
 * and Gaussian noise from Math.random when no seed is given; no other code can
 * run in between (JavaScript is single-threaded and `fn` never awaits), so
 * nothing outside sees the swap.
 */
export function withRandom<T>(random: () => number, fn: () => T): T {
  const original = Math.random;
  Math.random = random;
  try {
    return fn();
  } finally {
    Math.random = original;
  }
}
