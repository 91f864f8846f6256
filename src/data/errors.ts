/**
 * The one failure policy for bad input: a DiagnoseInputError whose message
 * names the argument and the fix, thrown before tfjs is touched. Messages come
 * from the catalogue (src/messages/errors.ts); `code` names the entry.
 */
import { INPUT_ERRORS, messageOf, type InputErrorCode } from '../messages/errors';

export class DiagnoseInputError extends Error {
  override name = 'DiagnoseInputError';

  constructor(message: string, readonly code?: InputErrorCode) {
    super(message);
  }
}

/** A DiagnoseInputError from the catalogue entry `code`. */
export function inputError<K extends InputErrorCode>(code: K, ...args: Parameters<(typeof INPUT_ERRORS)[K]>): DiagnoseInputError {
  return new DiagnoseInputError(messageOf(INPUT_ERRORS, code, args), code);
}
