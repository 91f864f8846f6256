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

/** Splits text into complete lines, carrying an unfinished last line over to the next chunk. */
export function splitLines(carry: string, chunk: string): { lines: string[]; carry: string } {
  const parts = (carry + chunk).split('\n');
  const rest = parts.pop() ?? '';
  return { lines: parts.filter((line) => line.trim().length > 0), carry: rest };
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
  /** Lines that were not events. */
  readonly skipped: number;
  close(): void;
}

/**
 * Reads a log file from the start and then every `pollMs` for appended lines.
 * A file that does not exist yet is waited for; a truncated file is read again
 * from the start.
 */
export function tailLog(path: string, onEvent: (event: LiveEvent) => void, scheduler: Scheduler, pollMs = 250): TailHandle {
  let offset = 0;
  let carry = '';
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
        decoder = new StringDecoder('utf8');
      }
      if (size > offset) {
        const fd = openSync(path, 'r');
        try {
          let read = 0;
          let text = '';
          while (offset < size && (read = readSync(fd, buffer, 0, buffer.length, offset)) > 0) {
            offset += read;
            text += decoder.write(buffer.subarray(0, read));
          }
          const split = splitLines(carry, text);
          carry = split.carry;
          for (const line of split.lines) {
            const event = parseLine(line);
            if (event) onEvent(event);
            else skipped += 1;
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
    close() {
      closed = true;
      if (timer !== null) scheduler.clearTimeout(timer);
    },
  };
}
