/**
 * The run as a JSON-lines file: the training process appends one event per
 * line (watch(model, { log })); `tfjs-doctor serve --log` tails it and feeds
 * a dashboard in another process.
 */
import { createWriteStream, openSync, readSync, closeSync, statSync, type WriteStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { asLiveEvent, type LiveEvent } from './events';
import type { Sink } from './monitor';
import type { Scheduler } from './notebook';

export class LogSink implements Sink {
  private readonly stream: WriteStream;
  readonly errors: Error[] = [];

  constructor(path: string) {
    this.stream = createWriteStream(path, { flags: 'a' });
    // A full disk or a removed directory must not stop training.
    this.stream.on('error', (error) => this.errors.push(error));
  }

  publish(event: LiveEvent): void {
    this.stream.write(`${JSON.stringify(event)}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(() => resolve()));
  }
}

/** Longest line kept, in characters: an event is a few KB; longer lines are skipped, not buffered. Defaults to 1 MiB. */
export const MAX_LINE_CHARS = 1 << 20;

/**
 * Splits text into complete lines, carrying an unfinished last line over to the
 * next chunk. A line longer than `maxLine` is dropped as it grows (counted in
 * `overlong`; `skipping` says the rest of it, up to the next newline, is
 * dropped too), so the carry never holds more than `maxLine` characters.
 */
export function splitLines(
  carry: string, chunk: string, maxLine = MAX_LINE_CHARS, skipping = false,
): { lines: string[]; carry: string; skipping: boolean; overlong: number } {
  let text = carry + chunk;
  let overlong = 0;
  if (skipping) {
    const end = text.indexOf('\n');
    if (end < 0) return { lines: [], carry: '', skipping: true, overlong: 0 };
    text = text.slice(end + 1);
  }
  const parts = text.split('\n');
  let rest = parts.pop() ?? '';
  const lines = parts.filter((line) => {
    if (line.length > maxLine) overlong++;
    return line.trim().length > 0 && line.length <= maxLine;
  });
  let skip = false;
  if (rest.length > maxLine) {
    overlong++;
    rest = '';
    skip = true;
  }
  return { lines, carry: rest, skipping: skip, overlong };
}

/** One line as an event, or null when it is not one (foreign or truncated lines are skipped). */
export function parseLine(line: string): LiveEvent | null {
  try {
    return asLiveEvent(JSON.parse(line));
  } catch {
    return null;
  }
}

export interface TailHandle {
  /** Lines that were not events (or longer than the longest line kept). */
  readonly skipped: number;
  /** Characters held of an unfinished last line (bounded by the longest line kept). */
  readonly buffered: number;
  close(): void;
}

/**
 * Reads a log file from the start and then every `pollMs` for appended lines.
 * A file that does not exist yet is waited for; a truncated file is read again
 * from the start.
 */
export function tailLog(
  path: string, onEvent: (event: LiveEvent) => void, scheduler: Scheduler, pollMs = 250, maxLine = MAX_LINE_CHARS,
): TailHandle {
  let offset = 0;
  let carry = '';
  let skipping = false;
  let skipped = 0;
  let timer: unknown = null;
  let closed = false;
  const buffer = Buffer.alloc(1 << 16);
  // Keeps a character split across two reads whole.
  let decoder = new StringDecoder('utf8');

  const poll = () => {
    timer = null;
    if (closed) return;
    try {
      const size = statSync(path).size;
      if (size < offset) {
        offset = 0;
        carry = '';
        skipping = false;
        decoder = new StringDecoder('utf8');
      }
      if (size > offset) {
        const fd = openSync(path, 'r');
        try {
          let read = 0;
          // One buffer at a time: memory stays at the buffer plus the longest line kept, whatever the file holds.
          while (offset < size && (read = readSync(fd, buffer, 0, buffer.length, offset)) > 0) {
            offset += read;
            const split = splitLines(carry, decoder.write(buffer.subarray(0, read)), maxLine, skipping);
            carry = split.carry;
            skipping = split.skipping;
            skipped += split.overlong;
            for (const line of split.lines) {
              const event = parseLine(line);
              if (event) onEvent(event);
              else skipped += 1;
            }
          }
        } finally {
          closeSync(fd);
        }
      }
    } catch {
      // Not there yet (or gone for a moment): try again at the next poll.
    }
    timer = scheduler.setTimeout(poll, pollMs);
  };
  poll();
  return {
    get skipped() {
      return skipped;
    },
    get buffered() {
      return carry.length;
    },
    close() {
      closed = true;
      if (timer !== null) scheduler.clearTimeout(timer);
    },
  };
}
