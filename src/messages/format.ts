/** How numbers read inside finding sentences, the same in every catalogue. */

/** A number in a sentence: 3 significant digits, exponent notation only when tiny or huge. */
export function num(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  return magnitude >= 1e-3 && magnitude < 1e5 ? String(Number(value.toPrecision(3))) : value.toExponential(2);
}

/** A sentence starts with a capital letter, whatever the name it starts with. */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A share as a percentage: one decimal below 10%, whole numbers above (9.6%, 57%). */
export function percent(share: number): string {
  return `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;
}
