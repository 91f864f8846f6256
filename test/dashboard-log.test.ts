/** `tfjs-doctor serve --log` under hostile log files: memory stays bounded by the longest line kept. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitLines, tailLog } from '../src/live/log';
import { realScheduler } from '../src/live/notebook';
import type { LiveEvent } from '../src/live/events';

const EVENT = '{"type":"batch","step":1,"epoch":0,"batch":0,"t":0,"values":{"loss":1}}';

test('splitLines(carry, chunk, maxLine) drops a line longer than maxLine instead of buffering it, and resumes at the next newline', () => {
  let state = splitLines('', 'x'.repeat(600), 1000);
  assert.equal(state.carry.length, 600);
  state = splitLines(state.carry, 'x'.repeat(600), 1000, state.skipping);
  assert.deepEqual([state.carry, state.skipping, state.overlong], ['', true, 1], 'the carry is dropped once it passes maxLine');
  state = splitLines(state.carry, 'y'.repeat(5000), 1000, state.skipping);
  assert.deepEqual([state.carry, state.skipping, state.lines.length], ['', true, 0], 'still inside the long line: nothing kept');
  state = splitLines(state.carry, `zz\n${EVENT}\npart`, 1000, state.skipping);
  assert.deepEqual(state.lines, [EVENT]);
  assert.deepEqual([state.carry, state.skipping], ['part', false]);
  const whole = splitLines('', `${'q'.repeat(2000)}\n${EVENT}\n`, 1000);
  assert.deepEqual([whole.lines, whole.overlong], [[EVENT], 1], 'a complete overlong line is skipped and counted');
});

test('tailLog(path) follows a log holding a 4 MB line without a newline, skipping it and reading the events after it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tfd-tail-'));
  const path = join(dir, 'run.jsonl');
  writeFileSync(path, `${EVENT}\n${'{"type":"batch",'.padEnd(4 << 20, 'a')}`);
  const events: LiveEvent[] = [];
  const tail = tailLog(path, (event) => events.push(event), realScheduler, 20, 64 * 1024);
  try {
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(events.length, 1);
    assert.ok(tail.buffered <= 64 * 1024, `holds ${tail.buffered} characters of the unfinished 4 MB line`);
    appendFileSync(path, `still the long line\n${EVENT.replace('"step":1', '"step":2')}\n`);
    const deadline = Date.now() + 5000;
    while (events.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(events.map((e) => (e.type === 'batch' ? e.step : -1)), [1, 2]);
    assert.equal(tail.skipped, 1, 'the long line is counted as skipped');
  } finally {
    tail.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
