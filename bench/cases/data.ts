/**
 * Data for the trust benchmark: real MNIST digits from the `mnist` package and
 * generated sets shaped like the tfjs-examples data (iris, boston-housing,
 * phishing, sentiment, sequences). Everything is seeded: the same call gives
 * the same numbers. Arrays are returned so cases can break them the way users
 * did (raw pixels, NaN, shuffles) before they become tensors.
 */
import { seededRandom, shuffledIndices } from '../../src/context/random';
import { gaussian, mnistArrays, oneHot, type Arrays } from '../../test/helpers/models';

/** `perClass` real MNIST digits of each class, classes interleaved (0, 1, ..., 9, 0, ...), pixels in [0, 1]. */
export const mnist = mnistArrays;
/** Standard normal numbers from a seeded generator (Box-Muller). */
export const normal = gaussian;
export { oneHot, type Arrays };

/** Rows reordered by `order` (same order for x and labels). */
export function reorder(data: Arrays, order: readonly number[]): Arrays {
  return { x: order.map((i) => data.x[i]), labels: order.map((i) => data.labels[i]) };
}

/** A seeded permutation of the rows. */
export function shuffle(data: Arrays, seed: number): Arrays {
  return reorder(data, shuffledIndices(data.x.length, seededRandom(seed)));
}

/** Rows sorted by label (stable), as data files grouped by class arrive. */
export function sortByLabel(data: Arrays): Arrays {
  const order = data.labels.map((label, i) => ({ label, i })).sort((a, b) => a.label - b.label || a.i - b.i).map((r) => r.i);
  return reorder(data, order);
}

/**
 * Iris-like: 4 standardized features, 3 classes of 3 Gaussian clusters
 * (centres apart by ~2 standard deviations on some features), classes interleaved.
 */
export function iris(rows: number, seed = 7): Arrays {
  const gauss = normal(seededRandom(seed));
  const centres = [[-1.2, 0.9, -1.3, -1.2], [0.1, -0.7, 0.3, 0.2], [1.1, -0.2, 1.0, 1.0]];
  const x: number[][] = [];
  const labels: number[] = [];
  for (let r = 0; r < rows; r++) {
    const c = r % 3;
    x.push(centres[c].map((m) => m + 0.45 * gauss()));
    labels.push(c);
  }
  return { x, labels };
}

/** Column names and raw scales of the boston-housing-like set (mean, std), as the CSV gives them. */
export const HOUSING_COLUMNS = [
  { name: 'crime', mean: 3.6, std: 8.6 },
  { name: 'zoned', mean: 11.4, std: 23.3 },
  { name: 'industry', mean: 11.1, std: 6.9 },
  { name: 'river', mean: 0.07, std: 0.25 },
  { name: 'nox', mean: 0.55, std: 0.12 },
  { name: 'rooms', mean: 6.3, std: 0.7 },
  { name: 'age', mean: 68.6, std: 28.1 },
  { name: 'distance', mean: 3.8, std: 2.1 },
  { name: 'highways', mean: 9.5, std: 8.7 },
  { name: 'tax', mean: 408, std: 168 },
  { name: 'pupils', mean: 18.5, std: 2.2 },
  { name: 'lowStatus', mean: 12.7, std: 7.1 },
] as const;

export interface Housing {
  /** Features at their raw scales (tax in the hundreds, nox below 1). */
  raw: number[][];
  /** The same features standardized per column (what the tfjs example feeds the model). */
  standardized: number[][];
  /** Median price in $1000s, about 5..50 (mean ~22), as in the example. */
  prices: number[];
}

/** A boston-housing-like regression set: price driven mostly by rooms and lowStatus, plus noise. */
export function housing(rows: number, seed = 11): Housing {
  const gauss = normal(seededRandom(seed));
  const weights = [-0.9, 0.5, -0.3, 0.6, -1.2, 3.0, -0.2, -1.5, 0.8, -0.9, -1.8, -3.6];
  const standardized: number[][] = [];
  const prices: number[] = [];
  for (let r = 0; r < rows; r++) {
    const z = HOUSING_COLUMNS.map(() => gauss());
    standardized.push(z);
    const price = 22.5 + z.reduce((s, v, i) => s + v * weights[i], 0) + 1.5 * gauss();
    prices.push(Math.min(50, Math.max(5, price)));
  }
  const raw = standardized.map((z) => z.map((v, i) => HOUSING_COLUMNS[i].mean + v * HOUSING_COLUMNS[i].std));
  return { raw, standardized, prices };
}

/** Standardizes each column to mean 0, std 1 (the fix users apply). */
export function standardize(rows: readonly number[][]): number[][] {
  const width = rows[0].length;
  const mean = Array.from({ length: width }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / rows.length);
  const std = Array.from({ length: width }, (_, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j] - mean[j]) ** 2, 0) / rows.length) || 1);
  return rows.map((r) => r.map((v, j) => (v - mean[j]) / std[j]));
}

/**
 * A phishing-like binary set: `features` standardized features; the label is
 * 1 when a fixed linear score plus a little noise is positive (about half are 1).
 */
export function binary(rows: number, features = 10, seed = 13): Arrays {
  const gauss = normal(seededRandom(seed));
  const w = Array.from({ length: features }, (_, i) => (i % 3 === 0 ? 1 : i % 3 === 1 ? -0.7 : 0.3));
  const x: number[][] = [];
  const labels: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: features }, gauss);
    x.push(row);
    labels.push(row.reduce((s, v, i) => s + v * w[i], 0) + 0.3 * gauss() > 0 ? 1 : 0);
  }
  return { x, labels };
}

/** Sentiment-like token sequences: ids 1..9 positive words, 10..19 negative, 20..vocab-1 neutral; 0 pads. */
export const SENTIMENT = { vocab: 100, length: 20 } as const;

/** Reviews of SENTIMENT.length tokens; label 1 when positive words outnumber negative ones (ties avoided). */
export function sentiment(rows: number, seed = 17): Arrays {
  const random = seededRandom(seed);
  const x: number[][] = [];
  const labels: number[] = [];
  for (let r = 0; r < rows; r++) {
    const label = r % 2;
    const words = 4 + Math.floor(random() * 4);
    const tokens = Array.from({ length: SENTIMENT.length }, () => 20 + Math.floor(random() * (SENTIMENT.vocab - 20)));
    for (let k = 0; k < words; k++) {
      const strong = k < words - 1 || random() < 0.5 ? label : 1 - label;
      const position = Math.floor(random() * SENTIMENT.length);
      tokens[position] = strong === 1 ? 1 + Math.floor(random() * 9) : 10 + Math.floor(random() * 10);
    }
    const positive = tokens.filter((t) => t >= 1 && t <= 9).length;
    const negative = tokens.filter((t) => t >= 10 && t <= 19).length;
    if (positive === negative) tokens[0] = label === 1 ? 1 : 10;
    x.push(tokens);
    labels.push((tokens.filter((t) => t >= 1 && t <= 9).length > tokens.filter((t) => t >= 10 && t <= 19).length) ? 1 : 0);
  }
  return { x, labels };
}

/**
 * Short noisy series of `steps` values (one feature per step), 3 classes:
 * rising, falling, flat. Rows are flattened [steps] (reshape to [steps, 1]).
 */
export function trends(rows: number, steps = 12, seed = 19): Arrays {
  const gauss = normal(seededRandom(seed));
  const x: number[][] = [];
  const labels: number[] = [];
  for (let r = 0; r < rows; r++) {
    const c = r % 3;
    const slope = c === 0 ? 0.25 : c === 1 ? -0.25 : 0;
    const offset = 0.5 * gauss();
    x.push(Array.from({ length: steps }, (_, t) => offset + slope * (t - steps / 2) + 0.2 * gauss()));
    labels.push(c);
  }
  return { x, labels };
}

/**
 * A weather-like regression over sequences: `steps` readings of 3 standardized
 * signals; the target is the next value of the first signal (a smooth AR process).
 */
export function weather(rows: number, steps = 10, seed = 23): { x: number[][][]; targets: number[] } {
  const gauss = normal(seededRandom(seed));
  const x: number[][][] = [];
  const targets: number[] = [];
  for (let r = 0; r < rows; r++) {
    let a = gauss();
    let b = gauss();
    const series: number[][] = [];
    for (let t = 0; t < steps; t++) {
      a = 0.8 * a + 0.3 * b + 0.3 * gauss();
      b = 0.7 * b + 0.4 * gauss();
      series.push([a, b, 0.5 * a - 0.5 * b + 0.3 * gauss()]);
    }
    x.push(series);
    targets.push(0.8 * a + 0.3 * b);
  }
  return { x, targets };
}

export interface Titanic {
  /** pclass, sex, age, sibsp, parch, fare at raw scales; age is NaN where the passenger list has none (~20%). */
  raw: number[][];
  /** The same rows with missing ages imputed (median) and every column standardized. */
  clean: number[][];
  /** 1 survived, 0 did not. */
  survived: number[];
}

/** A Titanic-like passenger table: survival driven by sex, class and age, as in the Kaggle set. */
export function titanic(rows: number, seed = 29): Titanic {
  const random = seededRandom(seed);
  const gauss = normal(random);
  const raw: number[][] = [];
  const survived: number[] = [];
  for (let r = 0; r < rows; r++) {
    const pclass = random() < 0.25 ? 1 : random() < 0.3 ? 2 : 3;
    const female = random() < 0.35 ? 1 : 0;
    const age = Math.max(1, 30 + 13 * gauss());
    const sibsp = random() < 0.7 ? 0 : 1 + Math.floor(random() * 3);
    const parch = random() < 0.75 ? 0 : 1 + Math.floor(random() * 2);
    const fare = pclass === 1 ? 60 + 40 * random() : pclass === 2 ? 15 + 15 * random() : 7 + 8 * random();
    const score = 2.4 * female - 0.9 * (pclass - 2) - 0.03 * (age - 30) + 0.4 * gauss() - 0.6;
    survived.push(score > 0 ? 1 : 0);
    raw.push([pclass, female, random() < 0.2 ? NaN : age, sibsp, parch, fare]);
  }
  const ages = raw.map((r) => r[2]).filter((a) => !Number.isNaN(a)).sort((a, b) => a - b);
  const median = ages[Math.floor(ages.length / 2)];
  const clean = standardize(raw.map((r) => r.map((v, j) => (j === 2 && Number.isNaN(v) ? median : v))));
  return { raw, clean, survived };
}
