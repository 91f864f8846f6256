/** Ids as the user reads them: options.vocabulary[id] when given, the id otherwise. */

/** The token of one id. */
export function tokenOf(id: number, vocabulary: readonly string[] | undefined): string {
  const token = Number.isInteger(id) ? vocabulary?.[id] : undefined;
  return token ?? String(Number(id.toPrecision(4)));
}

/** Ids as text: characters run together when every token is one character, words separated by spaces. */
export function tokenText(ids: readonly number[], vocabulary: readonly string[] | undefined): string {
  const tokens = ids.map((id) => tokenOf(id, vocabulary));
  const characters = vocabulary !== undefined && vocabulary.every((t) => t.length <= 1);
  return tokens.join(characters ? '' : ' ');
}
