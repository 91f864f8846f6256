/**
 * tfjs recurrent layers with `dropout` or `recurrentDropout` keep the masks of
 * their last call on the cell (kept tensors, disposed only by the layer's next
 * call, never by model.dispose()). Every clone we train would leave its masks
 * behind, and our calls on the user's model would leave masks where there were
 * none: both count as leaked tensors. These helpers release them.
 */
import * as tf from '@tensorflow/tfjs';

type Masks = tf.Tensor | tf.Tensor[] | null | undefined;
interface MaskedCell { dropoutMask?: Masks; recurrentDropoutMask?: Masks; cells?: MaskedCell[] }
interface Wrapper { cell?: MaskedCell; forwardLayer?: Wrapper; backwardLayer?: Wrapper; layer?: Wrapper }

/** The recurrent cells of a layer: an RNN's cell (and a stack's cells), through Bidirectional and TimeDistributed wrappers. */
function cellsOf(layer: Wrapper | undefined): MaskedCell[] {
  if (!layer) return [];
  const own = layer.cell ? [layer.cell, ...(layer.cell.cells ?? [])] : [];
  return [...own, ...cellsOf(layer.forwardLayer), ...cellsOf(layer.backwardLayer), ...cellsOf(layer.layer)];
}

function recurrentCells(model: tf.LayersModel): MaskedCell[] {
  return model.layers.flatMap((layer) => cellsOf(layer as unknown as Wrapper));
}

function release(cell: MaskedCell): void {
  if (cell.dropoutMask != null) tf.dispose(cell.dropoutMask);
  if (cell.recurrentDropoutMask != null) tf.dispose(cell.recurrentDropoutMask);
  cell.dropoutMask = null;
  cell.recurrentDropoutMask = null;
}

/** Disposes every dropout mask the model's recurrent cells hold (a clone about to be disposed). */
export function releaseDropoutMasks(model: tf.LayersModel): void {
  recurrentCells(model).forEach(release);
}

/**
 * Notes which of the user's recurrent cells hold no masks now; the returned
 * function releases the masks our calls left on exactly those cells (a cell
 * that held masks before keeps the ones of its last call, as its own next call would).
 */
export function guardDropoutMasks(model: tf.LayersModel): () => void {
  const bare = recurrentCells(model).filter((cell) => cell.dropoutMask == null && cell.recurrentDropoutMask == null);
  return () => bare.forEach(release);
}
