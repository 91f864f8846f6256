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
 * - The font stack, written on every text element, is said once on the root
 *   (font-family is inherited).
 * - Coordinates keep one decimal (vega writes up to 16; 0.1 px is invisible).
 * - Groups left empty go.
 */

/** A self-closing leaf element (path, rect, line...) drawn fully transparent. */
const INVISIBLE_LEAF = /<(path|rect|line|circle|image)\b[^>]*\sopacity="0"[^>]*\/>/g;
const UNPAINTED_PATH = /<path\b(?![^>]*\s(?:fill|stroke)=")[^>]*\/>/g;
const DROPPED = /\s(aria-[a-z]+|role|class|pointer-events)="[^"]*"/g;
const DEFAULTS = /\s(opacity|fill-opacity|stroke-opacity)="1"|\sstroke-width="1"|\stransform="translate\(0,0\)"/g;
const GEOMETRY = /\s(transform|d|x|y|x1|x2|y1|y2|width|height|points|dx|dy)="([^"]*)"/g;
const LONG_DECIMAL = /(-?\d+\.\d)\d+/g;
const FONT = /\sfont-family="([^"]*)"/g;
const EMPTY_GROUP = /<g(?:\s[^>]*)?><\/g>/g;

function roundGeometry(tag: string): string {
  return tag.replace(GEOMETRY, (_, name: string, value: string) => ` ${name}="${value.replace(LONG_DECIMAL, '$1').replace(/\.0(?!\d)/g, '')}"`);
}

/** The font stack most text elements name, or undefined when none does. */
function commonFont(svg: string): string | undefined {
  const counts = new Map<string, number>();
  for (const match of svg.matchAll(FONT)) counts.set(match[1], (counts.get(match[1]) ?? 0) + 1);
  let best: [string, number] | undefined;
  for (const entry of counts) if (!best || entry[1] > best[1]) best = entry;
  return best?.[0];
}

function hoistFont(svg: string): string {
  const font = commonFont(svg);
  if (font === undefined) return svg;
  const withoutFont = svg.replace(FONT, (attribute, value: string) => (value === font ? '' : attribute));
  return withoutFont.replace(/^<svg\b/, `<svg font-family="${font}"`);
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
    .replace(UNPAINTED_PATH, '')
    .replace(/<[a-zA-Z][^>]*>/g, (tag) => roundGeometry(tag.replace(DROPPED, '').replace(DEFAULTS, '')));
  return dropEmptyGroups(hoistFont(lean));
}

/** The SVG as an image source: base64 (JupyterLab's sanitizer and GitHub keep it; raw SVG they drop). */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}
