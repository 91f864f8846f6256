/**
 * Shared pieces of every chart: the Vega-Lite spec type, theme, sizes, number
 * formats, severity colours and small spec helpers.
 *
 * Charts are pure: measurements in, a plain-JSON Vega-Lite v5 spec out. User
 * strings (class names, layer names, feature names) only ever travel as data
 * values: never as field names, expressions or markup.
 */
import type { Severity } from '../types';

/**
 * A Vega-Lite v5 spec as plain JSON, ready for `vl.compile` or vega-embed.
 * Kept loose on purpose: the tests compile every builder's output with
 * vega-lite, which checks far more than the static types could.
 */
export interface ChartSpec {
  $schema: string;
  [property: string]: unknown;
}

/** Vega-Lite 5: JupyterLab and VS Code ship v5 renderers, so specs stay inside v5. */
export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** Sizes in pixels; a notebook cell is about 700px wide. */
export const SIZE = {
  /** Total width a chart should fit in, labels included. */
  cell: 700,
  /** Plot width of a single-panel chart (leaves room for axis labels and legend). */
  width: 560,
  height: 260,
  /** Width of one panel when two panels sit side by side. */
  halfWidth: 250,
  /** Panel width when two panels share a column of row labels (layer names) on the left. */
  labelledHalfWidth: 215,
  /** Room for row labels such as "conv2d_Conv2D1 · kernel" (longer ones are cut; tooltips keep them whole). */
  rowLabelLimit: 210,
  /** Band height per row in horizontal bar charts. */
  rowStep: 16,
  /** Most points one series may carry into a spec (after downsampling). */
  maxPointsPerSeries: 300,
} as const;

/** Colours for severity and health states; colour-blind-safe enough to tell apart, also labelled in text. */
export const COLORS = {
  error: '#c62828',
  warning: '#e08a00',
  info: '#1f6fb2',
  ok: '#2e8b3a',
  neutral: '#7a7a7a',
  guide: '#555555',
  band: '#9ecae1',
  train: '#1f6fb2',
  validation: '#e08a00',
} as const;

export const SEVERITY_COLOR: Record<Severity, string> = {
  error: COLORS.error,
  warning: COLORS.warning,
  info: COLORS.info,
};

/** d3-format strings used by tooltips and labels. */
export const FORMAT = {
  /** Three significant digits, trailing zeros trimmed: 0.00123, 2.3, 1.5e+6. */
  number: '.3~g',
  /** Three significant digits, zeros kept (3.00 under 3.72), for numbers read down a table column. */
  column: '.3g',
  /** Scientific for values spanning orders of magnitude. */
  scientific: '.2~e',
  percent: '.1~%',
  integer: ',d',
} as const;

/** Theme shared by every chart; front ends may still apply their own on top. */
export const CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif',
  title: { anchor: 'start', fontSize: 14, fontWeight: 600, subtitleFontSize: 11, subtitleColor: '#555', offset: 8 },
  axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 500, labelLimit: 160, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 260, orient: 'bottom', direction: 'horizontal' },
  view: { stroke: null },
  concat: { spacing: 24 },
} as const;

/**
 * Subtitle lines longer than this are wrapped: a long line widens the whole
 * chart (Vega pads the view to fit its title), and Node's text estimate, used
 * for static SVGs, counts about 9px per character at 11px.
 */
export const SUBTITLE_CHARS = 72;

/** Top-level properties every chart carries. */
export function frame(title: string, subtitle: readonly string[] = []) {
  const lines = subtitle.flatMap((line) => wrapLine(line, SUBTITLE_CHARS));
  return {
    $schema: SCHEMA,
    title: lines.length === 0 ? { text: title } : { text: title, subtitle: lines.length === 1 ? lines[0] : lines },
    config: CONFIG,
    autosize: { type: 'pad' as const },
  };
}

/** A spec that says plainly that there is nothing to draw (instead of an empty frame). */
export function emptyChart(title: string, message: string): ChartSpec {
  return {
    ...frame(title),
    width: SIZE.width,
    height: 40,
    data: { values: [{ message }] },
    mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: 12, color: COLORS.neutral },
    encoding: { text: { field: 'message', type: 'nominal' }, x: { value: 0 }, y: { value: 20 } },
  };
}

/** True when a value is a finite number (measurements use null for "not measured"). */
export function isFiniteNumber(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Largest power of ten not above a positive value (0.037 -> 0.01). */
export function powerOfTenBelow(value: number): number {
  return 10 ** Math.floor(Math.log10(value));
}

/** Smallest power of ten not below a positive value (0.037 -> 0.1). */
export function powerOfTenAbove(value: number): number {
  return 10 ** Math.ceil(Math.log10(value));
}

/**
 * How to scale positive values: 'log' when they span more than `ratio` (two
 * orders of magnitude by default), 'linear' otherwise.
 */
export function scaleTypeFor(values: readonly number[], ratio = 100): 'log' | 'linear' {
  const positive = values.filter((v) => isFiniteNumber(v) && v > 0);
  if (positive.length < 2) return 'linear';
  const min = Math.min(...positive);
  const max = Math.max(...positive);
  return max / min > ratio ? 'log' : 'linear';
}

/** Rounds to a few significant digits so spec data stays small and snapshots stable. */
export function round(value: number, digits = 6): number {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(digits));
}

/** Shortens long user strings for axis labels; the full string stays in tooltips. */
export function clip(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A number as people read it in a title: 3 significant digits, no trailing zeros. */
export function formatNumber(value: number | null | undefined): string {
  if (!isFiniteNumber(value)) return 'n/a';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) return value.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(3)));
}

/** Word-wraps one line of plain text at about `width` characters (no line is cut). */
export function wrapLine(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** Consecutive items in at most `maxRuns` runs of equal length (the last may be shorter), for charts of deep models. */
export function consecutiveRuns<T>(items: readonly T[], maxRuns: number): T[][] {
  const perRun = Math.max(1, Math.ceil(items.length / maxRuns));
  return Array.from({ length: Math.ceil(items.length / perRun) }, (_, r) => items.slice(r * perRun, (r + 1) * perRun));
}

/** The row label of a run of layers: "conv_1 … conv_12 (12 layers)", or the layer's own name for a run of one. */
export function runLabel(layers: readonly string[]): string {
  return layers.length === 1 ? layers[0] : `${layers[0]} … ${layers[layers.length - 1]} (${layers.length} layers)`;
}

/**
 * Checks that a builder got the measurement it draws: an object, with the
 * array it reads under `listKey` (when given). Throws one clear error naming
 * the builder, the argument and where it comes from, instead of a TypeError
 * from deep inside.
 */
export function expectMeasurement(builder: string, value: unknown, source: string, listKey?: string): void {
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  const list = isObject && listKey !== undefined ? (value as Record<string, unknown>)[listKey] : [];
  if (isObject && Array.isArray(list)) return;
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  const shape = listKey === undefined ? 'an object' : `an object with a "${listKey}" array`;
  throw new Error(`${builder}: expected ${shape} (${source}); got ${isObject ? `"${listKey}" = ${typeof list}` : got}.`);
}

/**
 * The spec with words for front ends that show only the chart (the Vega-Lite
 * part of a notebook output): `description` (what it shows) and extra subtitle
 * lines (the findings it is evidence for), wrapped as frame() wraps.
 */
export function annotate(spec: ChartSpec, description: string, lines: readonly string[]): ChartSpec {
  const title = spec.title;
  const base = typeof title === 'object' && title !== null && 'text' in title ? (title as { text: unknown; subtitle?: unknown }) : { text: title ?? '' };
  const subtitle = base.subtitle === undefined ? [] : Array.isArray(base.subtitle) ? base.subtitle : [base.subtitle];
  const added = lines.flatMap((line) => wrapLine(line, SUBTITLE_CHARS));
  return {
    ...spec,
    description,
    ...(added.length === 0 ? {} : { title: { ...base, subtitle: [...subtitle, ...added] } }),
  };
}
