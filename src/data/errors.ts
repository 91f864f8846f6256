/**
 * The one failure policy for bad input: a DiagnoseInputError whose message
 * names the argument and the fix, thrown before tfjs is touched.
 */
export class DiagnoseInputError extends Error {
  override name = 'DiagnoseInputError';
}
