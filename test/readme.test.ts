/**
 * The README stays true to the code: its finding catalogue lists every id of
 * FINDING_IDS (so an id added on another branch is caught when it merges),
 * once, with a checklist section, and every picture and notebook it links to
 * exists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoPaths } from '../scripts/lib/paths';
import { FINDING_IDS } from '../src/types';

const root = repoPaths().root;
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The rows of the table under "## Finding catalogue": id and checklist section. */
function catalogueRows(text: string): { id: string; checklist: string }[] {
  const start = text.indexOf('\n## Finding catalogue\n');
  assert.ok(start >= 0, 'README.md has a "## Finding catalogue" section');
  const end = text.indexOf('\n## ', start + 1);
  const section = text.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^\| `([a-z0-9-]+)` \| ([^|]*) \|/gm)].map((m) => ({ id: m[1], checklist: m[2].trim() }));
}

test('README finding catalogue lists every id of FINDING_IDS once, and no other', () => {
  const rows = catalogueRows(readme);
  const listed = rows.map((r) => r.id);
  const missing = FINDING_IDS.filter((id) => !listed.includes(id));
  assert.deepEqual(missing, [], `add a line to the README's finding catalogue for: ${missing.join(', ')}`);
  const unknown = listed.filter((id) => !(FINDING_IDS as readonly string[]).includes(id));
  assert.deepEqual(unknown, [], 'ids in the README catalogue that FINDING_IDS does not hold');
  assert.deepEqual(listed.filter((id, i) => listed.indexOf(id) !== i), [], 'each id once');
});

test('README finding catalogue names a checklist section (S, D, N, L or T and its number) on every line', () => {
  const bad = catalogueRows(readme).filter((r) => !/^[SDNLT]\d{1,2}$/.test(r.checklist));
  assert.deepEqual(bad, []);
});

test('README links only to pictures and notebooks that exist', () => {
  const targets = [...readme.matchAll(/\]\(((?:docs|notebooks)\/[^)#\s]+)\)/g)].map((m) => m[1]);
  assert.ok(targets.some((t) => t.endsWith('.png')), 'the README shows at least one picture from docs/');
  assert.deepEqual(targets.filter((t) => !existsSync(join(root, t))), []);
});
