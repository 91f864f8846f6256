/**
 * Text summaries: what each chart shows in one or two lines (text/plain of
 * each widget, captions, screen readers) and the whole report as plain text.
 */
import { formatNumber as num } from '../charts/base';
import type { Measurements } from '../measurements';
import type { CheckRun, DiagnosisData, Finding, Inferred, Severity } from '../types';
import { fixFirstFinding } from '../triage';
import { verifyMessages } from '../messages/verify';
import { percent as sharePercent, sentence } from '../messages/format';

const SEVERITY_WORDS: Record<Severity, [string, string]> = {
  error: ['error', 'errors'],
  warning: ['warning', 'warnings'],
  info: ['note', 'notes'],
};

export { sentence };

function plural(count: number, [one, many]: [string, string]): string {
  return `${count} ${count === 1 ? one : many}`;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** "2 errors, 1 warning" (notes only when nothing worse was found); '' when nothing was found. */
export function findingCounts(findings: readonly Finding[]): string {
  const counts = countBy(findings, (f) => f.severity);
  const severities: Severity[] = counts.has('error') || counts.has('warning') ? ['error', 'warning'] : ['info'];
  return severities
    .filter((severity) => counts.has(severity))
    .map((severity) => plural(counts.get(severity) ?? 0, SEVERITY_WORDS[severity]))
    .join(', ');
}

/**
 * The checks in one phrase, the same wherever it appears (verdict, checks
 * list): "20 checks: 18 passed, 2 skipped".
 */
export function checksTally(checks: readonly CheckRun[]): string {
  const counts = countBy(checks, (c) => c.status);
  const order: CheckRun['status'][] = ['pass', 'warn', 'fail', 'error', 'skipped'];
  const words: Record<CheckRun['status'], string> = { pass: 'passed', warn: 'warned', fail: 'failed', error: 'errored', skipped: 'skipped' };
  const parts = order.filter((s) => counts.has(s)).map((s) => `${counts.get(s)} ${words[s]}`);
  return `${plural(checks.length, ['check', 'checks'])}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

/** The verdict in one sentence: how bad, and what to fix first. */
export function verdictText(data: DiagnosisData): string {
  const first = data.findings[0];
  if (!first || first.severity === 'info') {
    const notes = first ? ` (${findingCounts(data.findings)})` : '';
    return `No problems found in ${checksTally(data.checks)}${notes}.`;
  }
  const fixFirst = fixFirstFinding(data.findings, data.triage) ?? first;
  const explained = data.findings.filter((f) => f !== fixFirst && data.triage?.explains.includes(f.id) && f.severity !== 'info');
  const because = explained.length > 0 ? ` It alone can explain: ${explained.map((f) => f.title.replace(/\.$/, '')).join('; ')}.` : '';
  return `${findingCounts(data.findings)}. Fix first: ${fixFirst.title}${fixFirst.layer ? ` (layer ${fixFirst.layer})` : ''}.${because}`;
}

function describeInferred<T extends string>(inferred: Inferred<T>): string {
  if (inferred.source === 'option') return `${inferred.value} (given)`;
  return `${inferred.value} (inferred${inferred.reason ? `: ${inferred.reason}` : ''})`;
}

/** The context as label/value pairs, shared by the text and HTML reports. */
export function contextEntries(data: DiagnosisData): [string, string][] {
  const c = data.context;
  const entries: [string, string | undefined][] = [
    ['Model', `${c.modelName} (${c.parameterCount.toLocaleString('en-US')} parameters)`],
    ['Task', (c.outputs?.length ?? 0) > 1 ? 'one per output (below); the network probes judge the total loss' : describeInferred(c.task)],
    ['Input', (c.inputs?.length ?? 0) > 1 ? 'one per input (below)' : describeInferred(c.inputKind)],
    ['Classes', c.numClasses === undefined ? undefined : classesText(c.numClasses, c.classNames)],
    ['Loss', c.chanceLoss === undefined ? c.lossName : `${c.lossName} (chance level ${num(c.chanceLoss)})`],
    ['Optimizer', c.optimizerName === undefined ? undefined : `${c.optimizerName}${c.learningRate === undefined ? '' : `, learning rate ${num(c.learningRate)}`}`],
    ...(c.inputs && c.inputs.length > 1 ? c.inputs : []).map((i): [string, string] => [`Input '${i.name}'`, i.inputKind]),
    ...(c.outputs && c.outputs.length > 1 ? c.outputs : []).map((o): [string, string] => [
      `Output '${o.name}'`,
      `${o.task}, ${o.lossName}${o.chanceLoss === undefined ? '' : ` (chance level ${num(o.chanceLoss)})`}${o.numClasses === undefined ? '' : `, ${o.numClasses} classes${givenNames(o.classNames)}`}`,
    ]),
    ['Batch size', String(c.batchSize)],
    ['Samples seen', c.samplesSeen.toLocaleString('en-US')],
    ['Backend', c.backend],
    ['Budget, seed', `${c.budget}, ${c.seed}`],
  ];
  return entries.filter((entry): entry is [string, string] => entry[1] !== undefined);
}

/** ': a, b, c' for class names other than the default '0', '1', ...; '' otherwise. */
function givenNames(names: readonly string[] | undefined): string {
  if (!names || names.every((name, i) => name === String(i))) return '';
  return `: ${names.slice(0, 12).join(', ')}${names.length > 12 ? `, … (${names.length - 12} more)` : ''}`;
}

function classesText(count: number, names: readonly string[] | undefined): string {
  if (!names || names.length === 0) return `${count} (names not given)`;
  const shown = names.slice(0, 12).join(', ');
  return `${count}: ${shown}${names.length > 12 ? `, … (${names.length - 12} more)` : ''}`;
}

function extent(values: readonly (number | null | undefined)[]): [number, number] | undefined {
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return finite.length ? [Math.min(...finite), Math.max(...finite)] : undefined;
}

function range(values: readonly (number | null | undefined)[]): string {
  const e = extent(values);
  if (!e) return 'not measured';
  return num(e[0]) === num(e[1]) ? num(e[0]) : `${num(e[0])} to ${num(e[1])}`;
}

function percent(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? sharePercent(value) : 'n/a';
}

/** One or two lines per report section, from the measurements behind its chart. */
export const SECTION_SUMMARIES = {
  loss(m: Measurements): string {
    const parts: string[] = [];
    if (m.loss) {
      const [low, high] = m.loss.chanceBand;
      const initial = m.loss.initialLoss;
      const where = typeof initial !== 'number' || !Number.isFinite(initial) ? '' : initial > high ? ' This one starts above it.' : initial < low ? ' This one starts below it.' : ' This one starts inside it.';
      parts.push(
        `Initial ${m.loss.lossName} loss ${num(initial)} against chance level ${num(m.loss.chanceLoss)} (${m.loss.chanceReason}). ` +
          `An untrained model normally starts between ${num(low)} and ${num(high)} (shaded).${where}`,
      );
    }
    const series = countBy(m.curves?.points ?? [], (p) => p.series);
    for (const name of series.keys()) {
      const points = (m.curves?.points ?? []).filter((p) => p.series === name && p.loss !== null);
      if (points.length === 0) continue;
      const first = points[0];
      const last = points[points.length - 1];
      parts.push(sentence(`${name}: loss ${num(first.loss)} at step ${first.step} to ${num(last.loss)} at step ${last.step}.`));
    }
    return parts.join(' ');
  },
  gradients(m: Measurements): string {
    const weights = m.gradients?.weights ?? [];
    const ratios = weights.map((w) => w.updateRatio);
    return (
      `Gradient norms of ${weights.length} weights range ${range(weights.map((w) => w.gradNorm))}; ` +
      `update/weight ratios ${range(ratios)} (healthy near 1e-3).`
    );
  },
  activations(m: Measurements): string {
    const layers = m.activations?.layers ?? [];
    const worst = (key: 'deadFraction' | 'saturatedFraction') =>
      layers.reduce<typeof layers[number] | undefined>((best, l) => ((l[key] ?? -1) > (best?.[key] ?? -1) ? l : best), undefined);
    const dead = worst('deadFraction');
    const saturated = worst('saturatedFraction');
    const deadText = !dead || typeof dead.deadFraction !== 'number'
      ? 'dead units not measured (ReLU layers only)'
      : dead.deadFraction > 0 ? `most dead units in the model as given: ${dead.layer} (${percent(dead.deadFraction)})` : 'no dead units in the model as given';
    const saturatedText = !saturated || typeof saturated.saturatedFraction !== 'number'
      ? 'saturation not measured (sigmoid and tanh layers only)'
      : saturated.saturatedFraction > 0 ? `most saturated: ${saturated.layer} (${percent(saturated.saturatedFraction)})` : 'no saturated units';
    return `${layers.length} layers tapped; ${deadText}; ${saturatedText}.`;
  },
  batchnorm(m: Measurements): string {
    const layers = m.batchNorm?.layers ?? [];
    const worst = layers.reduce<typeof layers[number] | undefined>((a, l) => (!a || l.meanShift > a.meanShift ? l : a), undefined);
    const fresh = layers.filter((l) => l.atInit).length;
    return `${layers.length} batch-norm layers at batch size ${m.batchNorm?.batchSize ?? '?'}` +
      (worst ? `; largest moving-vs-batch mean shift ${num(worst.meanShift)} batch stds (${worst.layer}), variance ratio ${num(worst.varianceRatio)}` : '') +
      (fresh > 0 ? `; ${fresh} still hold their initial moving statistics (untrained)` : '') + '.';
  },
  data(m: Measurements): string {
    const p = m.dataProfile;
    if (!p) return '';
    const train = p.features.filter((f) => f.split === 'train');
    const labels = p.labels.filter((l) => l.split === 'train');
    const counts = extent(labels.map((l) => l.count));
    const labelText = counts ? ` ${labels.length} labels, ${counts[0] === counts[1] ? counts[0] : `${counts[0]} to ${counts[1]}`} samples each.` : '';
    const targetText = p.target ? ` Target mean ${num(p.target.mean)}, std ${num(p.target.std)}.` : '';
    return (
      `${p.samples} training samples${p.validationSamples === undefined ? '' : `, ${p.validationSamples} validation`}; ` +
      `${plural(train.length, [p.unit, `${p.unit}s`])} with ${train.length === 1 ? 'mean' : 'means'} ${range(train.map((f) => f.mean))} and ${train.length === 1 ? 'std' : 'stds'} ${range(train.map((f) => f.std))}.` +
      labelText + targetText
    );
  },
  samples(m: Measurements): string {
    const rows = m.samples?.rows ?? [];
    return `${rows.length} samples as the network receives them, with their labels.`;
  },
  // encoder-decoder outputs (issue 13): the source-target relation
  relation(m: Measurements): string {
    const r = m.relation;
    if (!r) return '';
    return `${r.baseline} on input${r.judged.length > 1 ? 's' : ''} ${r.judged.map((n) => `'${n}'`).join(', ')}: ${r.metric} ${num(r.score)} on the real pairs, p = ${num(r.p)} against ${r.nulls.length} shuffled pairings` +
      `${r.leftOut.map((l) => `; '${l.input}' left out (teacher-forced)`).join('')}.`;
  },
  predictions(m: Measurements): string {
    const rows = m.predictions?.rows ?? [];
    // Regression rows have no right or wrong: "0 wrong" would read as a perfect model.
    if (rows.every((r) => r.correct === undefined)) return `${rows.length} predictions next to their targets, the largest losses first.`;
    const wrong = rows.filter((r) => r.correct === false).length;
    return `${rows.length} predictions next to their labels; ${wrong} wrong.`;
  },
  confusion(m: Measurements): string {
    if (!m.confusion && m.labelSummary) {
      const s = m.labelSummary;
      const missed = s.labels.reduce<typeof s.labels[number] | undefined>((a, l) => (!a || l.falseNegative > a.falseNegative ? l : a), undefined);
      return `${s.labels.length} labels scored at 0.5 over ${s.rows} rows` + (missed && missed.falseNegative > 0 ? `; most missed: ${missed.label} (${missed.falseNegative} of ${missed.positives} positive rows).` : '.');
    }
    const cells = m.confusion?.cells ?? [];
    const total = cells.reduce((sum, c) => sum + c.count, 0);
    const right = cells.filter((c) => c.actual === c.predicted).reduce((sum, c) => sum + c.count, 0);
    const worst = cells.filter((c) => c.actual !== c.predicted).sort((a, b) => b.count - a.count)[0];
    return (
      `Confusion matrix of ${m.confusion?.classes.length ?? 0} classes over ${total} samples; accuracy ${percent(total ? right / total : null)}` +
      (worst && worst.count > 0 ? `; most confused: ${worst.actual} predicted as ${worst.predicted} (${worst.count}).` : '.')
    );
  },
  // sequence outputs (issue 13): tokens per timestep
  sequences(m: Measurements): string {
    const rows = m.sequences?.rows ?? [];
    const steps = rows.reduce((sum, r) => sum + r.steps.length, 0);
    const wrong = rows.reduce((sum, r) => sum + r.steps.filter((s) => s.wrong).length, 0);
    return `${rows.length} sequences timestep by timestep (input, true, predicted); ${wrong} of ${steps} predicted steps wrong.`;
  },
  // sequence models (issue 13): how far back the gradient reaches
  throughTime(m: Measurements): string {
    const layers = m.throughTime?.layers ?? [];
    return layers.map((l) => {
      const norms = l.norms.map((v) => v ?? 0);
      const peak = Math.max(...norms, 0);
      const share = peak > 0 ? norms[0] / peak : 0;
      return `${l.layer} (${l.cell}): the first of ${norms.length} steps gets ${num(share)} of the gradient of the strongest step.`;
    }).join(' ');
  },
  // verified fixes (trust-core): one line per fix tried on a clone
  verified: (m: Measurements): string => verifyMessages.sectionText(m.verifiedFixes ?? []),
  lr(m: Measurements): string {
    const t = m.lrRange;
    if (!t) return '';
    const suggested = t.suggested ? `suggested ${num(t.suggested[0])} to ${num(t.suggested[1])}` : 'no usable range found';
    return (
      `Learning-rate range test over ${range(t.points.map((p) => p.lr))}: ${suggested}; configured ${num(t.configuredLr)}` +
      (t.divergenceLr === null ? '.' : `; loss diverges from ${num(t.divergenceLr)}.`)
    );
  },
} satisfies Record<string, (m: Measurements) => string>;

export type SectionKey = keyof typeof SECTION_SUMMARIES;

function findingText(finding: Finding): string {
  const where = finding.layer ? ` [layer ${finding.layer}]` : '';
  return [
    `- ${finding.severity.toUpperCase()} ${finding.title}${where} (${finding.id}, checklist ${finding.checklist})`,
    `    ${finding.detail}`,
    `    Fix: ${finding.fix}`,
  ].join('\n');
}

function checksText(checks: readonly CheckRun[]): string {
  const lines = checks.map((c) => `  ${c.id}: ${c.status} (${Math.round(c.ms)} ms)${c.note ? ` ${c.note}` : ''}`);
  return [`Checks run: ${checksTally(checks)}`, ...lines].join('\n');
}

/**
 * Control characters (ANSI escape sequences, carriage returns, C1 codes) from
 * names in the model or options, shown as visible \u escapes so a terminal
 * prints them instead of obeying them; newlines and tabs stay.
 */
export function escapeControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The whole report as plain text: verdict, findings, what each chart shows, context, checks (control characters escaped). */
export function reportToText(data: DiagnosisData, sections: readonly { title: string; summary: string }[] = []): string {
  const blocks = [
    `tfjs-doctor: ${data.context.modelName}`,
    verdictText(data),
    data.findings.length ? data.findings.map(findingText).join('\n') : '',
    sections.length ? sections.map((s) => `${s.title}: ${s.summary}`).join('\n') : '',
    contextEntries(data).map(([label, value]) => `${label}: ${value}`).join('\n'),
    checksText(data.checks),
  ];
  return escapeControl(blocks.filter((block) => block.length > 0).join('\n\n') + '\n');
}
