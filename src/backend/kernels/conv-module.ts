/**
 * The functions of our SIMD module wasm-module/conv-kernels.wat, bound to a
 * backend's memory (see wasm-module/loader.ts): the filter and input
 * gradients of a convolution (direct-filter-grad.ts, direct-input-grad.ts),
 * the forward convolution (direct-conv.ts) and the bias add and gradient
 * (bias.ts). Undefined where the module cannot
 * run; every caller then takes its other path.
 */
import { exportedFunction, wasmModule } from '../wasm-module/loader';

export const CONV_MODULE = 'conv-kernels';

export type ModuleFunction = (...args: number[]) => unknown;

export interface ConvKernels {
  filterGrad4x8: ModuleFunction;
  filterGrad4x4: ModuleFunction;
  inputGrad4x8: ModuleFunction;
  inputGrad1x8: ModuleFunction;
  sumRows: ModuleFunction;
  addRows: ModuleFunction;
  conv4x8: ModuleFunction;
}

export function convKernels(backend: object): ConvKernels | undefined {
  const found = wasmModule(backend, CONV_MODULE);
  if (found === undefined) return undefined;
  const fn = (name: keyof ConvKernels) => exportedFunction(found, name);
  return {
    filterGrad4x8: fn('filterGrad4x8'),
    filterGrad4x4: fn('filterGrad4x4'),
    inputGrad4x8: fn('inputGrad4x8'),
    inputGrad1x8: fn('inputGrad1x8'),
    sumRows: fn('sumRows'),
    addRows: fn('addRows'),
    conv4x8: fn('conv4x8'),
  };
}
