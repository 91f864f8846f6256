/**
 * Numbered progress lines for setup steps: "[3/6] Jupyter" then "      ok: ...".
 * scripts/start.mjs prints steps 1-2 in the same format before this module is built.
 */
export interface Progress {
  step(title: string): void;
  ok(note: string): void;
  note(text: string): void;
}

export function createProgress(total: number, first = 1, write: (line: string) => void = console.log): Progress {
  let current = first - 1;
  return {
    step: (title) => write(`[${++current}/${total}] ${title}`),
    ok: (note) => write(`      ok: ${note}`),
    note: (text) => write(`      ${text}`),
  };
}

/** A progress reporter that prints nothing: for tests, which only want errors. */
export const silentProgress: Progress = { step: () => {}, ok: () => {}, note: () => {} };
