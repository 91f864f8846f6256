/**
 * CSS of reports and pages, scoped under .tfjs-doctor-report / .tfd-page so
 * it never restyles the notebook around it. Colours match src/charts (severity).
 */
export const REPORT_CSS = `
.tfd-page { margin: 24px auto; max-width: 1100px; padding: 0 16px; background: #fff; color: #222;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
.tfjs-doctor-report { color: #222; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
.tfjs-doctor-report h2 { font-size: 18px; margin: 0 0 4px; }
.tfjs-doctor-report h3 { font-size: 15px; margin: 18px 0 6px; }
.tfjs-doctor-report .tfd-verdict { font-size: 15px; margin: 4px 0 12px; }
.tfjs-doctor-report .tfd-verdict strong { font-weight: 600; }
/* Two classes deep: JupyterLab's notebook CSS right-aligns table cells at (0,2,1). */
.tfjs-doctor-report .tfd-table { border-collapse: collapse; margin: 6px 0 12px; width: 100%; table-layout: auto; }
.tfjs-doctor-report .tfd-table th, .tfjs-doctor-report .tfd-table td { border: none; border-bottom: 1px solid #e3e3e3; padding: 5px 8px; text-align: left; vertical-align: top; line-height: 1.4; }
.tfjs-doctor-report .tfd-table th { font-weight: 600; background: #f6f6f6; }
.tfjs-doctor-report .tfd-table td.tfd-title { min-width: 160px; font-weight: 600; }
.tfjs-doctor-report .tfd-table td.tfd-num { text-align: right; font-variant-numeric: tabular-nums; }
.tfjs-doctor-report .tfd-sev { display: inline-block; border-radius: 3px; padding: 0 6px; color: #fff; font-size: 12px; font-weight: 600; }
.tfjs-doctor-report .tfd-sev-error { background: #c62828; }
.tfjs-doctor-report .tfd-sev-warning { background: #e08a00; }
.tfjs-doctor-report .tfd-sev-info { background: #1f6fb2; }
.tfjs-doctor-report .tfd-first { display: inline-block; margin-left: 4px; border: 1px solid #c62828; border-radius: 3px; padding: 0 4px; color: #c62828; font-size: 11px; font-weight: 600; white-space: nowrap; }
.tfjs-doctor-report .tfd-ok { color: #2e8b3a; font-weight: 600; }
.tfjs-doctor-report .tfd-section { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; border-top: 1px solid #e3e3e3; padding-top: 8px; margin-top: 12px; }
.tfjs-doctor-report .tfd-section > .tfd-section-chart { flex: 0 1 auto; min-width: 0; overflow-x: auto; }
.tfjs-doctor-report .tfd-section > .tfd-section-notes { flex: 1 1 260px; min-width: 240px; }
.tfjs-doctor-report .tfd-section-notes ul { margin: 4px 0; padding-left: 18px; }
.tfjs-doctor-report .tfd-section-notes li { margin-bottom: 8px; }
.tfjs-doctor-report .tfd-fix { color: #333; }
.tfjs-doctor-report .tfd-muted { color: #666; }
.tfjs-doctor-report .tfd-chart-error { color: #c62828; max-width: 560px; }
.tfjs-doctor-report details { margin: 8px 0; }
.tfjs-doctor-report summary { cursor: pointer; font-weight: 600; }
.tfjs-doctor-report dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 6px 0; }
.tfjs-doctor-report dt { color: #555; }
.tfjs-doctor-report dd { margin: 0; }
.tfd-figure { margin: 12px 0 20px; }
.tfd-figure figcaption { color: #555; font-size: 13px; max-width: 760px; }
.tfjs-doctor-chart .tfd-static svg { max-width: 100%; height: auto; }
`;
