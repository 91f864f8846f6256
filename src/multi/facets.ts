/**
 * The facets of a model with several inputs or outputs: what each check family
 * sees. Data checks run once per input (its own profile: scale, non-finite,
 * constant features, splits); label and loss checks once per output (its labels,
 * its loss, its chance level, against the inputs that feed it); network checks
 * once on the whole model with the total loss.
 */
import * as tf from '@tensorflow/tfjs';
import type { AnyCheck } from '../checks/base';
import type { Selection } from '../context/select';
import type { Finding } from '../types';
import { inputError } from '../data/errors';

/** Check ids per facet kind (the rest are network checks, run on the whole model). */
export const INPUT_CHECK_IDS: ReadonlySet<string> = new Set(['data-integrity', 'data-scale', 'splits']);
export const OUTPUT_CHECK_IDS: ReadonlySet<string> = new Set([
  'labels', 'batches', 'loss-config', 'initial-loss', 'label-relation', 'samples', 'predictions', 'output-range',
  'loss-independence', 'split-classes',
]);

export type FacetKind = 'input' | 'output';

/** Indices of the model inputs output `index` depends on (walking the layer graph back to the input layers). */
export function feedingInputs(model: tf.LayersModel, index: number): number[] {
  const inputLayers = model.inputLayers;
  const seen = new Set<tf.layers.Layer>();
  const found = new Set<number>();
  const stack: tf.layers.Layer[] = [model.outputs[index].sourceLayer];
  while (stack.length > 0) {
    const layer = stack.pop();
    if (!layer || seen.has(layer)) continue;
    seen.add(layer);
    const at = inputLayers.indexOf(layer);
    if (at >= 0) found.add(at);
    // Only the nodes of this model: a layer shared with another model has nodes of that model too.
    layer.inboundNodes.forEach((node) => node.inboundLayers.forEach((inbound) => stack.push(inbound)));
  }
  return [...found].sort((a, b) => a - b);
}

/** Embedding layers fed directly by model input `index` (their ids are that input's values). */
export function embeddingsOf(model: tf.LayersModel, index: number): tf.layers.Layer[] {
  const input = model.inputLayers[index];
  return model.layers.filter((layer) =>
    layer.getClassName() === 'Embedding' &&
    layer.inboundNodes.length > 0 &&
    layer.inboundNodes.every((node) => node.inboundLayers.every((inbound) => inbound === input)));
}

/** Fixed row shapes of the model's inputs and outputs; several of them must have no free dimension. */
export function fixedShapes(model: tf.LayersModel): { inputs: number[][]; outputs: number[][] } {
  const fixed = (shape: (number | null)[], name: string): number[] => {
    const row = shape.slice(1);
    if (!row.every((d): d is number => typeof d === 'number')) throw inputError('severalFreeDimension', name, row);
    return row;
  };
  return {
    inputs: model.inputs.map((t, i) => fixed(t.shape, model.inputNames[i])),
    outputs: model.outputs.map((t, j) => fixed(t.shape, model.outputNames[j])),
  };
}

/** The plan restricted to some checks; `silent` ones run only for the outputs others need (findings not reported). */
export function subPlan(plan: Selection, ids: ReadonlySet<string>, silent: ReadonlySet<string> = new Set()): Selection {
  return {
    keepFinding: plan.keepFinding,
    plan: plan.plan
      .filter((entry) => ids.has(entry.check.id) || silent.has(entry.check.id))
      .map((entry) => (silent.has(entry.check.id) && entry.skip === undefined && !entry.prerequisiteOf
        ? { ...entry, prerequisiteOf: ['the network checks'] }
        : entry)),
  };
}

/** The plan with the check of the same id replaced by `check` (its selection and skip reason kept). */
export function withCheck(selection: Selection, check: AnyCheck): Selection {
  return { ...selection, plan: selection.plan.map((entry) => (entry.check.id === check.id ? { ...entry, check } : entry)) };
}

/** A finding of one input's or one output's checks, saying which one it concerns. */
export function tagFinding(finding: Finding, kind: FacetKind, name: string): Finding {
  return { ...finding, [kind]: name, title: `${kind} '${name}': ${finding.title}` };
}
