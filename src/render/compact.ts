/**
 * Makes vega's static SVG smaller without changing what it shows. The static
 * SVG is the picture people see when scripts do not run; the interactive view
 * (built from the Vega spec in the page) keeps everything dropped here.
 * - Invisible marks go: hover targets and selection points are drawn with
 *   opacity 0 and only matter when scripts run.
 * - Per-mark aria-label / role / aria-roledescription go: vega writes one per
 *   point (the tooltip text); the chart keeps its summary as the figure's label.
 * - Coordinates keep two decimals (vega writes up to 16; 0.01 px is invisible).
 */

/** A self-closing leaf element (path, rect, line...) drawn fully transparent. */
const INVISIBLE_LEAF = /<(path|rect|line|circle|image)\b[^>]*\sopacity="0"[^>]*\/>/g;
const MARK_ARIA = /\s(aria-label|aria-roledescription|role)="[^"]*"/g;
const GEOMETRY = /\s(transform|d|x|y|x1|x2|y1|y2|width|height|points)="([^"]*)"/g;
const LONG_DECIMAL = /(-?\d+\.\d\d)\d+/g;

function roundGeometry(tag: string): string {
  return tag.replace(GEOMETRY, (_, name: string, value: string) => ` ${name}="${value.replace(LONG_DECIMAL, '$1')}"`);
}

/** Leaf elements only: the root <svg> keeps its role and the text elements their content. */
function stripMarkAria(tag: string): string {
  return /^<(path|rect|line|circle|image|g)\b/.test(tag) ? tag.replace(MARK_ARIA, '') : tag;
}

export function compactSvg(svg: string): string {
  return svg
    .replace(INVISIBLE_LEAF, '')
    .replace(/<[a-zA-Z][^>]*>/g, (tag) => roundGeometry(stripMarkAria(tag)));
}
