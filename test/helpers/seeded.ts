/** Number of elements of a tensor shape. */
export const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** Deterministic values in [-1, 1), the same on every backend (a linear congruential generator). */
export function seeded(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
}
