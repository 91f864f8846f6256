/**
 * options.classNames per output: the single list names the classes of a model's
 * only output; with several outputs, lists keyed by output name name each
 * classification output's classes (in its prediction views, confusion matrix
 * and label findings). Checked against the model before any data is read
 * (names) and against each output's classes once they are known (lengths).
 */
import type * as tf from '@tensorflow/tfjs';
import type { ResolvedOptions } from '../options';
import type { DiagnosisContext } from '../types';
import { inputError } from '../data/errors';

/**
 * The class names of each output of `model`, in model.outputs order (undefined:
 * the defaults). Throws a DiagnoseInputError for a key that names no output, and
 * for the single list when the model has several outputs (which would it name?).
 */
export function classNamesPerOutput(model: tf.LayersModel, opts: ResolvedOptions): (string[] | undefined)[] {
  const names = model.outputNames;
  if (opts.classNames !== undefined) {
    if (names.length > 1) throw inputError('classNamesPerOutput', names);
    return [opts.classNames];
  }
  const byOutput = opts.outputClassNames;
  if (byOutput === undefined) return names.map(() => undefined);
  const unknown = Object.keys(byOutput).find((key) => !names.includes(key));
  if (unknown !== undefined) throw inputError('severalUnknownName', 'options.classNames', 'outputs', unknown, names);
  return names.map((name) => byOutput[name]);
}

/**
 * Throws a DiagnoseInputError when `names` does not name each class of the
 * output the context describes, or when that output has no classes (regression).
 * `output` is the output's name with the per-output form, undefined with the single list.
 */
export function checkClassNames(names: readonly string[] | undefined, info: Pick<DiagnosisContext, 'numClasses' | 'task'>, output?: string): void {
  if (names === undefined) return;
  const where = output === undefined ? 'options.classNames' : `options.classNames.${output}`;
  const target = output === undefined ? 'the model output' : `output '${output}'`;
  if (info.numClasses === undefined) throw inputError('classNamesNoClasses', where, target, info.task.value);
  if (names.length !== info.numClasses) throw inputError('classNamesLength', where, target, names.length, info.numClasses);
}
