/**
 * Every error a user can meet, in one catalogue: what was wrong and what to do.
 * Each entry is a typed function returning the message; the error classes carry
 * the entry's key as `code`, so tests compare against the catalogue, not
 * substrings. Entries are grouped by where the input enters: diagnose()
 * options, the data, the model, watch() options, the dashboard and the CLI.
 */
import { closestIds } from './closest';

const quote = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(', ');

/** A value as it reads in a message: its type and, when short, itself. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return value.length <= 40 ? JSON.stringify(value) : `a string of ${value.length} characters`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

export const INPUT_ERRORS = {
  // diagnose(model, data, options): options
  optionsNotObject: (): string => 'options must be an object such as { validation: { x, y } }, or left out.',
  optionOneOf: (name: string, value: unknown, allowed: readonly string[]): string =>
    `options.${name} is ${describeValue(value)}; use one of ${quote(allowed)}.`,
  optionPositiveInteger: (name: string, value: unknown, example: number): string =>
    `options.${name} is ${describeValue(value)}; use a positive integer such as ${example}.`,
  optionPositiveNumber: (name: string, value: unknown, example: number): string =>
    `options.${name} is ${describeValue(value)}; use a positive number such as ${example}.`,
  optionFinite: (name: string, value: unknown, example: number): string =>
    `options.${name} is ${describeValue(value)}; use a finite number such as ${example}.`,
  optionFunction: (name: string, signature: string): string => `options.${name} must be a function ${signature}.`,
  optionDisplay: (value: unknown): string => `options.display is ${describeValue(value)}; use true, false or 'auto'.`,
  optionStringList: (name: string, value: unknown): string =>
    typeof value === 'string'
      ? `options.${name} is a string (${JSON.stringify(value)}); give a list of strings: ${name.endsWith('classNames') ? `['${value.split(/[,\s]+/).filter(Boolean).join("', '")}']` : `['${value}']`}.`
      : `options.${name} is ${describeValue(value)}; give a list of strings such as ['a', 'b'].`,
  checksNotObject: (value: unknown): string =>
    `options.checks is ${describeValue(value)}; use { only: ['check-or-finding-id', ...] } or { skip: [...] }.`,
  checksUnknownId: (option: string, unknown: readonly string[], known: readonly string[]): string => {
    const hints = unknown.map((u) => {
      const near = closestIds(u, known, 3);
      return `'${u}'${near.length ? ` (did you mean ${near.map((n) => `'${n}'`).join(' or ')}?)` : ''}`;
    });
    return `options.checks.${option} has unknown id${unknown.length > 1 ? 's' : ''} ${hints.join(', ')}; ` +
      'use the ids of report.checks or of report.findings (README: Finding).';
  },
  optimizerUnknown: (value: unknown, known: readonly string[]): string =>
    `options.optimizer is ${describeValue(value)}; pass a tf.Optimizer (tf.train.adam(0.001)) or one of the names model.compile takes: ${quote(known)}.`,
  signalAborted: (reason: string): string => `diagnose() was aborted by options.signal (${reason}); nothing was changed.`,
  signalNotSignal: (value: unknown): string => `options.signal is ${describeValue(value)}; pass an AbortSignal (new AbortController().signal).`,

  // the model
  modelNotLayersModel: (value: unknown): string =>
    `model must be a tf.LayersModel (tf.sequential(), tf.model() or tf.loadLayersModel()); got ${describeValue(value)}. Graph models from loadGraphModel cannot be trained and are not supported.`,
  modelDisposed: (): string => 'model has been disposed (model.dispose() was called, or it was made inside tf.tidy); build or load it again before diagnosing it.',
  modelSeveralInputs: (count: number): string =>
    `model has ${count} inputs: models with several inputs are not supported yet; diagnose a single-input model.`,
  modelSeveralOutputs: (count: number): string =>
    `model has ${count} outputs: models with several outputs are not supported yet; diagnose a single-output model.`,
  // several inputs or outputs (issue 13)
  severalFreeDimension: (input: string, shape: readonly (number | null)[]): string =>
    `model input '${input}' has shape [${shape.map((d) => d ?? '?').join(', ')}] with a free dimension; models with several inputs or outputs are diagnosed with fixed shapes: give tf.input({ shape }) every dimension.`,
  severalNotList: (name: string, what: 'inputs' | 'outputs', value: string, names: readonly string[]): string =>
    `${name} is ${value}, but the model has ${names.length} ${what} (${quote(names)}); pass an array of ${names.length} tensors in model.${what} order, or an object keyed by ${what === 'inputs' ? 'input' : 'output'} name, as model.fit takes them.`,
  severalCount: (name: string, what: 'inputs' | 'outputs', got: number, names: readonly string[]): string =>
    `${name} holds ${got} ${what === 'inputs' ? 'input' : 'label'} tensor${got === 1 ? '' : 's'}, but the model has ${names.length} ${what} (${quote(names)}); pass one per ${what === 'inputs' ? 'input' : 'output'}, in model.${what} order.`,
  severalUnknownName: (name: string, what: 'inputs' | 'outputs', key: string, names: readonly string[]): string =>
    `${name} has the key '${key}', which names no model ${what === 'inputs' ? 'input' : 'output'}; the ${what} are ${quote(names)}${closestIds(key, names, 1).length > 0 ? ` (did you mean '${closestIds(key, names, 1)[0]}'?)` : ''}.`,
  severalMissingName: (name: string, what: 'inputs' | 'outputs', key: string, names: readonly string[]): string =>
    `${name} has no entry for the model ${what === 'inputs' ? 'input' : 'output'} '${key}'; give one tensor for each of ${quote(names)}.`,
  severalRows: (name: string, counts: string): string =>
    `${name}: the inputs and labels hold different numbers of samples (${counts}); give every input and every output one row per sample.`,
  severalBatchRows: (name: string, counts: string): string =>
    `${name} yields a batch whose inputs and labels hold different numbers of samples (${counts}); batch every input and output together (dataset.batch(32) on the zipped elements).`,
  // options.classNames per output (issue 13)
  classNamesPerOutput: (names: readonly string[]): string =>
    `options.classNames is one list, but the model has ${names.length} outputs (${quote(names)}); give the names per output, keyed by output name: { ${names[0]}: ['...', ...] }.`,
  classNamesLength: (where: string, target: string, got: number, classes: number): string =>
    `${where} holds ${got} name${got === 1 ? '' : 's'}, but ${target} has ${classes} classes; give one name per class, in index order.`,
  classNamesNoClasses: (where: string, target: string, task: string): string =>
    `${where} names classes, but ${target} is a ${task} output without classes; leave it out of options.classNames.`,
  modelNotCompiled: (): string =>
    "The model is not compiled, so its loss is unknown: call model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' }) first, or pass options.loss.",
  modelUnregisteredLayer: (layer: string, className: string): string =>
    `model layer '${layer}' is a custom ${className} that is not registered, so tfjs cannot copy the model and tfjs-doctor cannot probe a copy (it never trains yours); ` +
    `register it with tf.serialization.registerClass(${className}) after giving the class a static className and a getConfig().`,
  lossUnknown: (name: string, known: readonly string[]): string =>
    `options.loss '${name}' is not a loss tfjs-doctor knows; use one of ${known.join(', ')}, or pass the loss function itself.`,
  lossNotLoss: (value: unknown): string =>
    `options.loss is ${describeValue(value)}; give a loss name such as 'categoricalCrossentropy' or a function (yTrue, yPred) => tensor.`,
  modelFailedOnData: (name: string, reason: string): string =>
    `the model could not run on ${name} (${reason}); check that the data matches the model's input (shape, dtype, value range).`,
  embeddingOutOfRange: (name: string, layer: string, inputDim: number, min: number, max: number): string =>
    `${name}: the inputs hold ids from ${min} to ${max}, but embedding layer '${layer}' takes ids 0..${inputDim - 1} (inputDim ${inputDim}); ` +
    (min < 0 ? `remap the ids into 0..${inputDim - 1} (an id cannot be negative).` : `remap the ids into 0..${inputDim - 1} or raise inputDim to at least ${max + 1}.`),
  // the data
  dataMissing: (name: string): string => `${name} is missing; pass { x, y } (tensors or arrays) or a tf.data.Dataset of { xs, ys }.`,
  dataWrongKind: (name: string, value: unknown): string =>
    `${name} is ${describeValue(value)}; pass { x, y } (tensors or arrays) or a tf.data.Dataset of { xs, ys }.`,
  dataNotXY: (name: string, keys: readonly string[]): string =>
    `${name} must be { x, y } or a tf.data.Dataset of { xs, ys }; got an object with keys ${keys.join(', ') || '(none)'}.`,
  dataSeveralInputs: (name: string): string =>
    `${name}.x is an object of inputs, but the model has one input; pass its tensor (or nested array) itself.`,
  valueMissing: (name: string): string => `${name} is missing; pass a tensor or a nested array of numbers.`,
  tensorDisposed: (name: string): string => `${name} is a disposed tensor; pass a live tensor (was it created inside tf.tidy?).`,
  tensorStrings: (name: string): string => `${name} holds strings; encode them as numbers first (class indices, one-hot, or embeddings).`,
  typedArray: (name: string, type: string): string =>
    `${name} is a flat ${type}: tfjs-doctor cannot tell its samples apart (it is not a list of inputs either); wrap it with its shape: tf.tensor(values, [samples, ...featureShape]).`,
  notArray: (name: string, value: unknown): string => `${name} is ${describeValue(value)}; pass a tf.Tensor or a nested array of numbers.`,
  arrayEmpty: (name: string): string => `${name} is empty; pass at least one sample.`,
  arrayNotNumbers: (name: string, type: string): string =>
    `${name} holds ${type} values; pass numbers (encode strings as class indices or one-hot first).`,
  arrayRagged: (name: string, reason: string): string =>
    `${name} is not a rectangular array of numbers (${reason}); give every sample the same shape.`,
  scalarData: (name: string): string => `${name}.x and ${name}.y need a first (sample) axis; got a scalar.`,
  noSamples: (name: string): string => `${name}.x is empty (0 samples); pass at least one sample.`,
  lengthMismatch: (name: string, xRows: number, yRows: number): string =>
    `${name}.x has ${xRows} samples but ${name}.y has ${yRows}; give one label per sample (same first dimension).`,
  datasetNotIterable: (name: string, reason: string): string => `${name} could not be iterated (${reason}).`,
  datasetFailed: (name: string, reason: string): string =>
    `${name} failed while yielding its next element (${reason}); fix the dataset's generator or map function.`,
  datasetElement: (name: string, element: string): string =>
    `${name} yields ${element}; it must yield { xs, ys } as model.fitDataset expects (map it: ds.map(e => ({ xs: e.x, ys: e.y }))).`,
  datasetSeveralInputs: (name: string): string =>
    `${name} yields xs that is not a tensor (an object or array of inputs), but the model has one input; yield its tensor itself as xs.`,
  datasetSeveralOutputs: (name: string): string =>
    `${name} yields ys that is not a tensor (an object or array of outputs), but the model has one output; yield its labels tensor itself as ys.`,
  datasetStrings: (name: string): string => `${name} yields string tensors; encode them as numbers first.`,
  datasetUnbatched: (name: string, xShape: readonly number[], yShape: readonly number[]): string =>
    `${name} yields single samples (xs of shape [${xShape}], ys of shape [${yShape}]), not batches; batch it as model.fitDataset expects: dataset.batch(32).`,
  datasetBatchMismatch: (name: string, xShape: readonly number[], yShape: readonly number[]): string =>
    `${name} yields xs of shape [${xShape}] and ys of shape [${yShape}]; both need the same batch size on the first axis (did you forget .batch(32)?).`,
  datasetEmpty: (name: string): string => `${name} yielded no samples; pass a non-empty dataset.`,
  labelShapeChanged: (name: string, shape: readonly number[], row: number): string =>
    `${name} changes label shape between batches ([${shape}] at row ${row}); give every batch labels of the same shape.`,
  inputShape: (name: string, got: string, wanted: string, hint: string): string =>
    `${name} has shape ${got} but the model expects ${wanted}; ${hint}.`,
  labelColumns: (name: string, shape: readonly number[], units: number): string => {
    const got = shape.reduce((a, b) => a * b, 1);
    return `${name}: the labels have shape [n, ${shape.join(', ')}] (${got} values per sample) but the model outputs ${units} units, so no loss can pair them; ` +
      `give labels of shape [n, ${units}] (one-hot of ${units} classes) or change the output layer to ${got} units.`;
  },
} satisfies Record<string, (...args: never[]) => string>;

export type InputErrorCode = keyof typeof INPUT_ERRORS;

export const WATCH_ERRORS = {
  notModel: (value: unknown): string =>
    `watch(model): model must be a tf.LayersModel (tf.sequential() or tf.model()); got ${describeValue(value)}.`,
  modelDisposed: (): string => 'watch(model): the model has been disposed; build or load it again, then watch it.',
  optionsNotObject: (value: unknown): string =>
    `watch(model, options): options must be an object such as { serve: true }; got ${describeValue(value)}.`,
  positiveInteger: (name: string, value: unknown): string =>
    `watch(): options.${name} must be a positive integer (got ${describeValue(value)}).`,
  msAtLeastZero: (name: string, value: unknown): string =>
    `watch(): options.${name} must be a number of ms >= 0 (got ${describeValue(value)}).`,
  finite: (name: string, value: unknown): string => `watch(): options.${name} must be a finite number (got ${describeValue(value)}).`,
  boolean: (name: string, value: unknown): string => `watch(): options.${name} must be true or false (got ${describeValue(value)}).`,
  display: (value: unknown): string => `watch(): options.display must be true, false or 'auto' (got ${describeValue(value)}).`,
  data: (): string => 'watch(): options.data must be { x, y } with both tensors (e.g. a slice of your training data).',
  log: (value: unknown): string =>
    `watch(): options.log must be a file path such as 'run.jsonl' (got ${describeValue(value)}); then follow it with npx tfjs-doctor serve --log run.jsonl.`,
  serve: (value: unknown): string =>
    `watch(): options.serve must be true, false or { port, host } (got ${describeValue(value)}).`,
  port: (value: unknown): string =>
    `watch(): options.serve.port must be an integer from 0 to 65535, 0 for a free port (got ${describeValue(value)}).`,
  host: (value: unknown): string =>
    `watch(): options.serve.host must be an interface address such as '127.0.0.1' (got ${describeValue(value)}).`,
  now: (value: unknown): string => `watch(): options.now must be a function returning ms (got ${describeValue(value)}).`,
} satisfies Record<string, (...args: never[]) => string>;

export type WatchErrorCode = keyof typeof WATCH_ERRORS;

export const CLI_ERRORS = {
  unknownOption: (option: string): string => `unknown or incomplete option ${option} (tfjs-doctor --help lists the options).`,
  unknownCommand: (command: string): string => `unknown command "${command}": the one command is "serve" (tfjs-doctor --help).`,
  logMissing: (): string => 'serve needs --log <file.jsonl>: the file your training writes with watch(model, { log: "file.jsonl" }).',
  port: (value: string): string => `--port must be an integer from 0 to 65535 (got ${value}).`,
} satisfies Record<string, (...args: never[]) => string>;

export type CliErrorCode = keyof typeof CLI_ERRORS;

/** Errors of the environment rather than of an argument: backends, the notebook, the installed package, copies of the model. */
export const RUNTIME_ERRORS = {
  backendUnknown: (source: string, value: string, names: readonly string[]): string =>
    `${source} is '${value}'; use one of 'auto', ${quote(names)}.`,
  backendFailed: (request: string, reason: string): string =>
    `tfjs-doctor could not start the '${request}' backend you asked for (${reason}). Use ready({ backend: 'auto' }) to take the fastest that works.`,
  noBackend: (skipped: readonly string[]): string => `tfjs-doctor found no working tfjs backend: ${skipped.join('; ')}.`,
  notInTslab: (): string => 'tfjs-doctor: not inside a tslab kernel; use toHTML() or toText() instead.',
  missingFile: (name: string, looked: readonly string[]): string =>
    `tfjs-doctor: widgets/${name} is missing (looked in ${looked.join(', ')}); reinstall the package.`,
  cloneFailed: (reason: string): string =>
    `tfjs-doctor could not copy the model to probe it (${reason}). Custom layers must be registered with tf.serialization.registerClass(YourLayer) and implement getConfig().`,
} satisfies Record<string, (...args: never[]) => string>;

/** What the dashboard answers to requests it refuses (plain text bodies). */
export const DASHBOARD_REPLIES = {
  forbidden: 'Forbidden: open the URL printed by tfjs-doctor (it carries the access token).',
  badRequest: 'Bad request.',
  notFound: 'Not found',
} as const;

/** Calls a catalogue entry by key with its typed arguments. */
export function messageOf<C extends Record<string, (...args: never[]) => string>, K extends keyof C & string>(
  catalogue: C, code: K, args: Parameters<C[K]>,
): string {
  const entry = catalogue[code] as unknown as (...a: Parameters<C[K]>) => string;
  return entry(...args);
}
