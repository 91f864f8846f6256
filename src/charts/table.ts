/**
 * Text tables in Vega-Lite: columns at fixed pixel offsets, one text layer per
 * column, rows placed by a rank computed inside the spec (so filters and sort
 * controls re-flow the rows). Used by the sample table, the side-by-side
 * predictions and the findings table.
 */

export interface Column {
  header: string;
  width: number;
  align?: 'left' | 'right' | 'center';
}

export interface PlacedColumn extends Column {
  /** Left edge of the column in pixels. */
  left: number;
  /** Where text anchors: the left edge, the right edge or the centre, by alignment. */
  anchor: number;
}

export const COLUMN_GAP = 10;

/** Lays columns out left to right; returns them with their offsets and the total width. */
export function placeColumns<C extends Column>(columns: readonly C[]): { columns: (C & PlacedColumn)[]; width: number } {
  let left = 0;
  const placed = columns.map((column) => {
    const at = left;
    left += column.width + COLUMN_GAP;
    const anchor = column.align === 'right' ? at + column.width : column.align === 'center' ? at + column.width / 2 : at;
    return { ...column, left: at, anchor };
  });
  return { columns: placed, width: Math.max(left - COLUMN_GAP, 0) };
}

/** One header text per column; header strings may be user text, so they travel as data. */
export function headerLayers(columns: readonly PlacedColumn[]): object[] {
  return columns.map((column) => ({
    data: { values: [{ header: column.header }] },
    mark: { type: 'text', baseline: 'top', fontWeight: 600, fontSize: 11, align: column.align ?? 'left', color: '#333' },
    encoding: { x: { value: column.anchor }, y: { value: 0 }, text: { field: 'header', type: 'nominal' } },
  }));
}

/** A field used as raw pixels (no scale, no axis). */
export function pixel(field: string) {
  return { field, type: 'quantitative', scale: null, axis: null };
}

/**
 * Transforms that give each row `rank` (1-based, in `sortKey` order) and `top`
 * (its y in pixels). `sortKey` is a Vega expression we write, never user text.
 */
export function rankRows(sortKey: string, rowHeight: number, headerHeight: number, columns = 1, cellWidth = 0): object[] {
  return [
    { calculate: sortKey, as: 'sort_key' },
    { window: [{ op: 'row_number', as: 'rank' }], sort: [{ field: 'sort_key', order: 'ascending' }, { field: 'index', order: 'ascending' }] },
    { calculate: `((datum.rank - 1) % ${columns}) * ${cellWidth}`, as: 'left' },
    { calculate: `floor((datum.rank - 1) / ${columns}) * ${rowHeight} + ${headerHeight}`, as: 'top' },
  ];
}

/**
 * Word-wraps text into at most `maxLines` lines of about `maxChars` characters
 * (Vega draws an array of strings as lines). Cut text ends with an ellipsis;
 * the full text stays in the tooltip.
 */
export function wrapText(text: string, maxChars: number, maxLines: number): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const candidate = line ? `${line} ${word}` : word;
    if (candidate.length <= maxChars) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    // A single word longer than a line (a URL, a long layer name) is cut.
    line = word.length > maxChars ? `${word.slice(0, maxChars - 1)}…` : word;
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  const last = kept[maxLines - 1];
  kept[maxLines - 1] = `${last.length >= maxChars ? last.slice(0, maxChars - 1) : last}…`;
  return kept;
}
