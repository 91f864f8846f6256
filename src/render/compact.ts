/**
 * Makes vega's static SVG smaller without changing what it shows. The SVG is
 * only ever shown as an image (`<img src="data:image/svg+xml;base64,...">`),
 * so nothing in it is read by scripts or screen readers: the chart's summary
 * is the image's alt text, and the interactive view (built from the Vega spec)
 * keeps everything dropped here.
 * - Invisible marks go: hover targets and selection points are drawn with
 *   opacity 0, and the cells vega-lite adds for "nearest" hovering (and each
 *   view's background) have neither fill nor stroke; they only matter when
 *   scripts run. (vega sets fill="none" on the root and a fill or stroke on
 *   every visible path.)
 * - Per-mark aria-label / role / aria-* / class / pointer-events go: vega
 *   writes one label per point (the tooltip text).
 * - Attributes equal to SVG's defaults go (opacity 1, stroke-width 1).
 * - The font stack and the most common font size, written on every text
 *   element, are said once on the root (both are inherited); start
 *   anchoring (the default) goes. (Text keeps its fill: vega's root group
 *   says fill="none".)
 * - Coordinates keep one decimal (vega writes up to 16; 0.1 px is invisible).
 * - Groups left empty go.
 */

/** A self-closing leaf element (path, rect, line...) drawn fully transparent. */
const INVISIBLE_LEAF = /<(path|rect|line|circle|image)\b[^>]*\sopacity="0"[^>]*\/>/g;
/** Axis labels vega hides to avoid overlap are written with opacity 0. */
const INVISIBLE_TEXT = /<text\b[^>]*\sopacity="0"[^>]*>[^<]*<\/text>/g;
/** A path with neither fill nor stroke, unless it is a clip path's outline. */
const UNPAINTED_PATH = /(?<!<clipPath\b[^>]*>)<path\b(?![^>]*\s(?:fill|stroke)=")[^>]*\/>/g;
const DROPPED = /\s(aria-[a-z]+|role|class|pointer-events)="[^"]*"/g;
const DEFAULTS = /\s(opacity|fill-opacity|stroke-opacity)="1"|\sstroke-width="1"|\stransform="translate\(0,0\)"/g;
const GEOMETRY = /\s(transform|d|x|y|x1|x2|y1|y2|width|height|points|dx|dy)="([^"]*)"/g;
const LONG_DECIMAL = /(-?\d+\.\d)\d+/g;
const FONT = /\sfont-family="([^"]*)"/g;
const FONT_SIZE = /\sfont-size="([^"]*)"/g;
const TEXT_DEFAULTS = /\stext-anchor="start"/g;
const EMPTY_GROUP = /<g(?:\s[^>]*)?><\/g>/g;

function roundGeometry(tag: string): string {
  return tag.replace(GEOMETRY, (_, name: string, value: string) => ` ${name}="${value.replace(LONG_DECIMAL, '$1').replace(/\.0(?!\d)/g, '')}"`);
}

/** The value most elements give an attribute, or undefined when none does. */
function commonValue(svg: string, attribute: RegExp): string | undefined {
  const counts = new Map<string, number>();
  for (const match of svg.matchAll(attribute)) counts.set(match[1], (counts.get(match[1]) ?? 0) + 1);
  let best: [string, number] | undefined;
  for (const entry of counts) if (!best || entry[1] > best[1]) best = entry;
  return best?.[0];
}

/** Says an inherited attribute's most common value once, on the root. */
function hoist(svg: string, name: string, attribute: RegExp): string {
  const value = commonValue(svg, attribute);
  if (value === undefined) return svg;
  const rest = svg.replace(attribute, (found, own: string) => (own === value ? '' : found));
  return rest.replace(/^<svg\b/, `<svg ${name}="${value}"`);
}

function dropEmptyGroups(svg: string): string {
  let before: string;
  let after = svg;
  do {
    before = after;
    after = before.replace(EMPTY_GROUP, '');
  } while (after !== before);
  return after;
}

export function compactSvg(svg: string): string {
  const lean = svg
    .replace(INVISIBLE_LEAF, '')
    .replace(INVISIBLE_TEXT, '')
    .replace(UNPAINTED_PATH, '')
    .replace(/<[a-zA-Z][^>]*>/g, (tag) => roundGeometry(tag.replace(DROPPED, '').replace(DEFAULTS, '')))
    .replace(/<text\b[^>]*>/g, (tag) => tag.replace(TEXT_DEFAULTS, ''));
  return dropEmptyGroups(hoist(hoist(lean, 'font-family', FONT), 'font-size', FONT_SIZE));
}

/** The SVG as an image source: base64 (JupyterLab's sanitizer and GitHub keep it; raw SVG they drop). */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}
