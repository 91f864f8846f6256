/**
 * Generated, learnable data for the zoo (issue 13): token sequences, per-timestep
 * sums, next-character text, small images and paired sequences. Seeded: the same
 * call gives the same numbers. Arrays, so faults can break them before they
 * become tensors.
 */
import { seededRandom } from '../../../src/context/random';
import { normal } from '../data';

/** Digits 0..9, then '+' (10) and ' ' (11): the addition-rnn alphabet. */
export const ADDITION = { chars: 12, inSteps: 3, outSteps: 2 } as const;

/** 'a+b' (one char per step) and its sum as two digits ('07', '15'): ids per step. */
export function additions(rows: number, seed = 31): { x: number[][]; y: number[][] } {
  const random = seededRandom(seed);
  const x: number[][] = [];
  const y: number[][] = [];
  for (let r = 0; r < rows; r++) {
    const a = Math.floor(random() * 10);
    const b = Math.floor(random() * 10);
    x.push([a, 10, b]);
    y.push([Math.floor((a + b) / 10), (a + b) % 10]);
  }
  return { x, y };
}

/** Ids to one-hot rows, per step: [steps] -> [steps, depth]. */
export function oneHotSteps(ids: readonly number[], depth: number): number[][] {
  return ids.map((id) => Array.from({ length: depth }, (_, k) => (k === id ? 1 : 0)));
}

/** The text-generation alphabet and window. */
export const TEXT = { chars: 8, steps: 6 } as const;

/**
 * Windows of a text from a Markov chain over TEXT.chars characters: after c comes
 * (3c + 1) mod chars 85% of the time, anything else otherwise; the label is the
 * character after the window (the next-character task of tfjs-examples/lstm-text-generation).
 */
export function textWindows(rows: number, seed = 37): { x: number[][]; next: number[] } {
  const random = seededRandom(seed);
  const text: number[] = [0];
  while (text.length < rows + TEXT.steps) {
    const c = text[text.length - 1];
    text.push(random() < 0.85 ? (3 * c + 1) % TEXT.chars : Math.floor(random() * TEXT.chars));
  }
  const x: number[][] = [];
  const next: number[] = [];
  for (let r = 0; r < rows; r++) {
    x.push(text.slice(r, r + TEXT.steps));
    next.push(text[r + TEXT.steps]);
  }
  return { x, next };
}

/** Small grey images: SHAPES.size square, 4 classes (horizontal bar, vertical bar, diagonal, anti-diagonal). */
export const SHAPES = { size: 12, classes: 4 } as const;

/** Images in [0, 1] with a little noise, classes interleaved; one [size, size] array per image. */
export function shapes(rows: number, seed = 41): { x: number[][][]; labels: number[] } {
  const random = seededRandom(seed);
  const gauss = normal(random);
  const n = SHAPES.size;
  const x: number[][][] = [];
  const labels: number[] = [];
  for (let r = 0; r < rows; r++) {
    const c = r % SHAPES.classes;
    const at = 2 + Math.floor(random() * (n - 4));
    const on = (i: number, j: number): boolean =>
      c === 0 ? Math.abs(i - at) <= 1 : c === 1 ? Math.abs(j - at) <= 1 : c === 2 ? Math.abs(i - j) <= 1 : Math.abs(i + j - (n - 1)) <= 1;
    x.push(Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Math.min(1, Math.max(0, (on(i, j) ? 0.9 : 0.1) + 0.08 * gauss())))));
    labels.push(c);
  }
  return { x, labels };
}

/** The translation alphabet: 0 pads, 1..9 words, 10 starts the decoder. */
export const TRANSLATION = { vocab: 11, start: 10, steps: 5 } as const;

/**
 * A toy translation (tfjs-examples/translation, teacher forcing): the target is
 * the source reversed; the decoder reads the target shifted right behind a start token.
 */
export function translations(rows: number, seed = 43): { source: number[][]; decoderIn: number[][]; target: number[][] } {
  const random = seededRandom(seed);
  const source: number[][] = [];
  const decoderIn: number[][] = [];
  const target: number[][] = [];
  for (let r = 0; r < rows; r++) {
    const words = Array.from({ length: TRANSLATION.steps }, () => 1 + Math.floor(random() * 9));
    const reversed = [...words].reverse();
    source.push(words);
    target.push(reversed);
    decoderIn.push([TRANSLATION.start, ...reversed.slice(0, -1)]);
  }
  return { source, decoderIn, target };
}

/** Kelvin and millibar offsets and scales of the raw jena-weather columns (temperature, pressure, humidity). */
export const WEATHER_RAW = [{ mean: 283, std: 8 }, { mean: 989, std: 8 }, { mean: 76, std: 16 }] as const;
