/**
 * Reads kernel attributes into the types the convolution helpers take, with an
 * error naming the attribute when a caller passed something tfjs never would.
 */
import * as tf from '@tensorflow/tfjs';

type Pair = [number, number];
export type ExplicitPadding = [Pair, Pair, Pair, Pair];
export type Pad = 'same' | 'valid' | number | ExplicitPadding;
export type RoundingMode = 'floor' | 'round' | 'ceil' | undefined;
export type Shape4D = [number, number, number, number];

function fail(kernel: string, name: string, value: unknown, expected: string): never {
  throw new Error(`tfjs-doctor ${kernel}: attribute '${name}' is ${JSON.stringify(value)}; expected ${expected}.`);
}

function asList(value: unknown): unknown[] | null {
  return Array.isArray(value) ? value : null;
}

function isNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number');
}

/** A per-axis pair (strides, dilations): a number applies to both axes; absent means 1. */
export function pairAttr(attrs: tf.NamedAttrMap | undefined, name: string, kernel: string): [number, number] {
  const value = attrs?.[name];
  if (value == null) return [1, 1];
  if (typeof value === 'number') return [value, value];
  if (isNumberArray(value) && value.length === 2) return [value[0], value[1]];
  return fail(kernel, name, value, 'a number or [height, width]');
}

export function padAttr(attrs: tf.NamedAttrMap | undefined, kernel: string): Pad {
  const value: unknown = attrs?.pad;
  if (value === 'same') return 'same';
  if (value === 'valid') return 'valid';
  if (typeof value === 'number') return value;
  const list = asList(value);
  if (list !== null && list.length === 4) {
    const pairs = list.filter((p): p is number[] => isNumberArray(p) && p.length === 2).map((p): Pair => [p[0], p[1]]);
    if (pairs.length === 4) return [pairs[0], pairs[1], pairs[2], pairs[3]];
  }
  return fail(kernel, 'pad', value, "'same', 'valid', a number or [[t,b] per axis] x4");
}

export function roundingAttr(attrs: tf.NamedAttrMap | undefined, kernel: string): RoundingMode {
  const value: unknown = attrs?.dimRoundingMode;
  if (value == null) return undefined;
  if (value === 'floor') return 'floor';
  if (value === 'round') return 'round';
  if (value === 'ceil') return 'ceil';
  return fail(kernel, 'dimRoundingMode', value, "'floor', 'round' or 'ceil'");
}

export function shape4DAttr(attrs: tf.NamedAttrMap | undefined, name: string, kernel: string): Shape4D {
  const value = attrs?.[name];
  if (isNumberArray(value) && value.length === 4) return [value[0], value[1], value[2], value[3]];
  return fail(kernel, name, value, 'a shape of 4 numbers');
}

export function dataFormatAttr(attrs: tf.NamedAttrMap | undefined, kernel: string): 'NHWC' | 'NCHW' {
  const value = attrs?.dataFormat;
  if (value == null || value === 'NHWC') return 'NHWC';
  if (value === 'NCHW') return 'NCHW';
  return fail(kernel, 'dataFormat', value, "'NHWC' or 'NCHW'");
}

export function integerAttr(attrs: tf.NamedAttrMap | undefined, name: string, kernel: string): number {
  const value = attrs?.[name];
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  return fail(kernel, name, value, 'a non-negative integer');
}

/** A named kernel input, or an error naming it. */
export function input(inputs: tf.NamedTensorInfoMap, name: string, kernel: string): tf.TensorInfo {
  const info = inputs[name];
  if (info == null) throw new Error(`tfjs-doctor ${kernel}: input '${name}' is missing.`);
  return info;
}

export function shape4D(info: tf.TensorInfo, name: string, kernel: string): Shape4D {
  const s = info.shape;
  if (s.length !== 4) fail(kernel, name, s, 'a rank-4 tensor shape');
  return [s[0], s[1], s[2], s[3]];
}
