/** Words of the several-inputs-and-outputs pipeline (src/multi): check notes, context reasons and the encoder-decoder relation. */
import type { Finding } from '../types';
import { num } from './format';

/** Quoted input names: 'encoder' and 'extra'. */
function inputList(names: readonly string[]): string {
  const quoted = names.map((n) => `'${n}'`);
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}

export interface SourceRelationWords {
  judged: readonly string[];
  leftOut: readonly { input: string; reason: string }[];
  representation: string;
  baseline: string;
  score: number;
  nullMean: number;
  null95: number;
  p: number;
  permutations: number;
  heldOut: number;
  severity: 'error' | 'warning';
}

export const severalMessages = {
  wholeTask: (outputs: number): string =>
    `${outputs} outputs: the network probes judge the total loss (the sum of the outputs' losses, as model.fit minimizes it)`,
  totalChance: (parts: readonly { name: string; loss: number }[]): string =>
    `sum of the outputs' chance levels (${parts.map((p) => `${p.name} ${num(p.loss)}`).join(' + ')})`,
  /** Why a teacher-forced input is left out of an output's label relation. */
  relationLeftOut: (reason: 'shifted' | 'vocabulary', output: string): string => (reason === 'shifted'
    ? `it holds the targets of output '${output}' shifted by one step (teacher forcing), so it predicts them whatever the pairing with the source`
    : `an Embedding over the target vocabulary of output '${output}' reads it, as a teacher-forced decoder input, so it would predict the targets whatever the pairing with the source`),
  relationJudged: (judged: readonly string[], representation: string): string =>
    `judged on input${judged.length > 1 ? 's' : ''} ${inputList(judged)} only: ${representation}`,
  relationLeftOutNote: (leftOut: readonly { input: string; reason: string }[]): string =>
    leftOut.map((l) => `input '${l.input}' left out: ${l.reason}`).join('; '),
  /** The targets of an encoder-decoder output against its source inputs, with the teacher-forced input left out. */
  labelsUnrelatedToSource(e: SourceRelationWords): Finding {
    const weak = e.severity === 'warning';
    const source = `input${e.judged.length > 1 ? 's' : ''} ${inputList(e.judged)}`;
    const leftOut = e.leftOut.map((l) => `Input '${l.input}' is left out: ${l.reason}.`).join(' ');
    return {
      id: 'labels-unrelated',
      severity: e.severity,
      title: weak ? `Target sequences show at most a weak link to ${source}` : `Target sequences look unrelated to ${source}`,
      detail: `${leftOut} The best simple probe (${e.baseline}) predicting ${e.representation} scores R2 ${num(e.score)} on ${e.heldOut} held-out samples. ` +
        `With the targets shuffled apart from their sources (${e.permutations} seeded permutations) the same probes score ${num(e.nullMean)} on average, and ${num(e.null95)} at the 95th percentile: p = ${num(e.p)}. ` +
        `${weak ? 'The real pairs do only slightly better than shuffled ones.' : 'The real pairs do no better than shuffled ones.'} ` +
        'When even simple models find no link between sources and targets, the pairs are usually broken: targets shuffled or sorted apart from their sources.',
      fix: 'Keep each source with its own target: shuffle the encoder input, the decoder input and the targets with one permutation (or build all three from the same list of sentence pairs), and compare a few pairs side by side.',
      evidence: {
        baseline: e.baseline, metric: 'R2', score: e.score, nullMean: e.nullMean, null95: e.null95, p: e.p, permutations: e.permutations, heldOut: e.heldOut,
        judged: e.judged.join(', '), leftOut: e.leftOut.map((l) => l.input).join(', '),
      },
      checklist: 'D3',
    };
  },
};
