/**
 * The one place user strings (class names, layer names, titles, findings) are
 * made safe for HTML. Every render module goes through these helpers; SVG text
 * is escaped by vega's own SVG renderer.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe inside element content and inside quoted attribute values. */
export function escapeHTML(text: string | number | boolean): string {
  return String(text).replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]);
}

/**
 * JSON safe inside a `<script>` element: `<` is written as `\u003c`, so no
 * `</script>` or `<!--` can end the element early; U+2028/2029 are escaped for
 * old JavaScript parsers. The result still parses as the same JSON.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * JavaScript source safe as the text of a `<script>` element. The vega builds
 * contain no `</script` or `<!--` today; this keeps it so if that changes.
 */
export function scriptText(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}
