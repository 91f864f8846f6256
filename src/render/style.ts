/**
 * The report's look, as inline style attributes: sanitizers (JupyterLab's
 * untrusted mode, GitHub) drop every <style> block, and a notebook output's
 * <style> would leak into the page around it. Every piece also reads well
 * with no style at all (plain headings, lists, tables, <details>).
 * Colours match src/charts (severity).
 */
import { COLORS } from '../charts/base';
import type { Severity } from '../types';

const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif';

/** Inline styles by role. */
export const STYLE = {
  /** The report's box: its own colours, so a dark notebook theme keeps it legible (the charts are on white). */
  report: `color:#222;background:#fff;font-family:${FONT};font-size:14px;line-height:1.45;padding:4px 8px;max-width:1100px`,
  h2: 'font-size:18px;margin:0 0 4px',
  h3: 'font-size:15px;margin:14px 0 6px',
  verdict: 'font-size:15px;margin:4px 0 12px',
  table: 'border-collapse:collapse;margin:6px 0 12px;width:100%',
  th: 'text-align:left;vertical-align:top;padding:5px 8px;border-bottom:1px solid #ccc;background:#f6f6f6;font-weight:600',
  td: 'text-align:left;vertical-align:top;padding:5px 8px;border-bottom:1px solid #e3e3e3',
  tdTitle: 'text-align:left;vertical-align:top;padding:5px 8px;border-bottom:1px solid #e3e3e3;font-weight:600;min-width:160px',
  tdNum: 'text-align:right;vertical-align:top;padding:5px 8px;border-bottom:1px solid #e3e3e3',
  /** Label column of the context table: never wrapped. */
  tdLabel: 'text-align:left;vertical-align:top;padding:3px 16px 3px 0;color:#555;white-space:nowrap',
  tdValue: 'text-align:left;vertical-align:top;padding:3px 0',
  section: 'display:flex;flex-wrap:wrap;align-items:flex-start;border-top:1px solid #e3e3e3;padding-top:8px;margin-top:12px',
  sectionChart: 'flex:0 1 auto;min-width:0;max-width:100%;margin:0 16px 8px 0;overflow-x:auto',
  sectionNotes: 'flex:1 1 260px;min-width:240px',
  list: 'margin:4px 0;padding-left:18px',
  item: 'margin-bottom:8px',
  muted: 'color:#555',
  ok: `color:${COLORS.ok};font-weight:600`,
  error: `color:${COLORS.error}`,
  first: `display:inline-block;margin-left:4px;border:1px solid ${COLORS.error};border-radius:3px;padding:0 4px;color:${COLORS.error};font-size:11px;font-weight:600;white-space:nowrap`,
  summary: 'cursor:pointer;font-weight:600',
  figure: 'margin:12px 0 20px',
  caption: 'color:#555;font-size:13px;max-width:760px',
} as const;

const SEVERITY_BACKGROUND: Record<Severity, string> = { error: COLORS.error, warning: COLORS.warning, info: COLORS.info };

/** The badge of a severity: white on its colour. */
export function badgeStyle(severity: Severity): string {
  return `display:inline-block;border-radius:3px;padding:0 6px;color:#fff;background:${SEVERITY_BACKGROUND[severity]};font-size:12px;font-weight:600`;
}

/** Page-level CSS of a standalone HTML file (the body only; the report itself is styled inline). */
export const PAGE_CSS = `body { margin: 24px auto; max-width: 1100px; padding: 0 16px; background: #fff; }`;
