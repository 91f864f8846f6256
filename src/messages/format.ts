/** How numbers read inside finding sentences, the same in every catalogue. */

/** A number in a sentence: 3 significant digits, exponent notation only when tiny or huge. */
export function num(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  return magnitude >= 1e-3 && magnitude < 1e5 ? String(Number(value.toPrecision(3))) : value.toExponential(2);
}
