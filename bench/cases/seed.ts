/**
 * Seeded model building. tfjs initializers without a `seed` draw from
 * Math.random; a case builds its model inside `withSeed` so its initial weights
 * (and any shuffle the case makes) are the same on every run, while the case's
 * code stays the code the user wrote (no seed on every layer).
 */
import { seededRandom } from '../../src/context/random';

export function withSeed<T>(seed: number, build: () => T): T {
  const original = Math.random;
  Math.random = seededRandom(seed);
  try {
    return build();
  } finally {
    Math.random = original;
  }
}
