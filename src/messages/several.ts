/** Words of the several-inputs-and-outputs pipeline (src/multi): check notes and context reasons. */
import { num } from './format';

export const severalMessages = {
  wholeTask: (outputs: number): string =>
    `${outputs} outputs: the network probes judge the total loss (the sum of the outputs' losses, as model.fit minimizes it)`,
  totalChance: (parts: readonly { name: string; loss: number }[]): string =>
    `sum of the outputs' chance levels (${parts.map((p) => `${p.name} ${num(p.loss)}`).join(' + ')})`,
  relationTeacherForced: (input: string, output: string): string =>
    `not judged: input '${input}' holds output '${output}''s labels shifted by one step (teacher forcing), so a link to the labels would be no evidence`,
};
