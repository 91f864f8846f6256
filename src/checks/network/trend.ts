/**
 * The trend of a probe's loss curve, judged the way a practitioner reads the
 * chart: a straight-line fit of log(loss) against the step over the last part
 * of the curve (loss curves of a memorizing model fall roughly geometrically,
 * so a line in log space projects them; a linear fit would call a geometric
 * fall "slowing down"). Pure: points in, verdict out.
 */

export interface TrendPoint {
  step: number;
  loss: number;
}

export interface Trend {
  /** 'falling' / 'rising': the fit moves at least `SETTINGS.move` over the window AND the window's last point agrees. */
  direction: 'falling' | 'rising' | 'flat';
  /** The first and last points of the window, as drawn on the chart. */
  from: TrendPoint;
  to: TrendPoint;
  /** Fitted change of log10(loss) per 100 steps (negative when falling). */
  decadesPer100Steps: number;
  /** More steps the fitted line needs to reach `goal`; null unless falling. */
  stepsToGoal: number | null;
}

const SETTINGS = {
  /** The last half of the curve: the start of a run (the fastest drop, or a plateau) says little about where it is going. */
  windowFraction: 0.5,
  minPoints: 3,
  /** 5% over the window in the fitted line: less is flat (batch noise of a tiny-batch curve is ~1-2%). */
  move: 0.05,
  /** log() of a loss that reached exactly 0. */
  floor: 1e-12,
};

/**
 * True when finite `values` lie within `spread` (relative to the largest in
 * size) of each other: a loss that did not move, up to float rounding.
 */
export function unmoved(values: readonly number[], spread: number): boolean {
  if (values.length === 0 || !values.every(Number.isFinite)) return false;
  return Math.max(...values) - Math.min(...values) <= spread * Math.max(...values.map(Math.abs));
}

/** Least-squares slope of y on x. */
function slope(xs: number[], ys: number[]): { slope: number; intercept: number } {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const sxy = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0);
  const b = sxx > 0 ? sxy / sxx : 0;
  return { slope: b, intercept: my - b * mx };
}

/** The trend of the last part of `points` (sorted by step, finite losses); null with too few points. */
export function lossTrend(points: readonly TrendPoint[], goal: number): Trend | null {
  const usable = points.filter((p) => Number.isFinite(p.loss));
  if (usable.length < SETTINGS.minPoints) return null;
  const lastStep = usable[usable.length - 1].step;
  const cut = lastStep * (1 - SETTINGS.windowFraction);
  const tail = usable.filter((p) => p.step >= cut);
  const window = tail.length >= SETTINGS.minPoints ? tail : usable.slice(-SETTINGS.minPoints);
  const from = window[0];
  const to = window[window.length - 1];
  const logs = window.map((p) => Math.log10(Math.max(p.loss, SETTINGS.floor)));
  const fit = slope(window.map((p) => p.step), logs);
  const span = to.step - from.step;
  const fittedMove = fit.slope * span;
  const moved = Math.abs(fittedMove) >= Math.log10(1 + SETTINGS.move);
  const direction = moved && fittedMove < 0 && to.loss < from.loss
    ? 'falling'
    : moved && fittedMove > 0 && to.loss > from.loss ? 'rising' : 'flat';
  const fittedEnd = fit.intercept + fit.slope * to.step;
  const stepsToGoal = direction === 'falling' && goal > 0
    ? Math.max(0, (Math.log10(goal) - fittedEnd) / fit.slope)
    : null;
  return { direction, from, to, decadesPer100Steps: fit.slope * 100, stepsToGoal };
}
