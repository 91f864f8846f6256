#!/usr/bin/env node
/**
 * The tfjs-doctor command line:
 *
 *   tfjs-doctor serve --log run.jsonl [--port 8080] [--host 127.0.0.1]
 *
 * serves the live dashboard for a run in another process, which writes its
 * events with watch(model, { log: 'run.jsonl' }). The file may not exist yet;
 * it is followed as it grows.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { RunHistory } from './live/history';
import { tailLog } from './live/log';
import { realScheduler } from './live/notebook';
import { DashboardServer, DASHBOARD_DEFAULTS } from './live/server';
import { CLI_ERRORS, messageOf, type CliErrorCode } from './messages/errors';

export const USAGE = `Usage: tfjs-doctor serve --log <file.jsonl> [--port <n>] [--host <address>]

Serves the live training dashboard on this machine for a run that writes its
events to <file.jsonl> (in the training script: watch(model, { log: 'file.jsonl' })).
Open the printed URL in a browser; it carries the access token.

Options:
  --log <file>      JSON-lines event file to follow (required)
  --port <n>        port to listen on (default: a free port)
  --host <address>  interface to bind (default: ${DASHBOARD_DEFAULTS.host}; other values expose the dashboard to the network)
  -h, --help        show this help
`;

export class UsageError extends Error {
  override name = 'UsageError';

  constructor(message: string, readonly code?: CliErrorCode) {
    super(message);
  }
}

function usageError<K extends CliErrorCode>(code: K, ...args: Parameters<(typeof CLI_ERRORS)[K]>): UsageError {
  return new UsageError(messageOf(CLI_ERRORS, code, args), code);
}

export interface ServeCommand {
  log: string;
  port: number;
  host: string;
}

/** Parses argv (without node and the script); throws UsageError with the fix. */
export function parseCommand(argv: readonly string[]): ServeCommand | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        log: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    const option = /'(-[^']+)'/.exec(error instanceof Error ? error.message : '')?.[1] ?? 'given';
    throw usageError('unknownOption', option);
  }
  const { values, positionals } = parsed;
  if (values.help === true || positionals.length === 0) return 'help';
  if (positionals[0] !== 'serve' || positionals.length > 1) throw usageError('unknownCommand', positionals.join(' '));
  if (typeof values.log !== 'string' || values.log === '') throw usageError('logMissing');
  const port = values.port === undefined ? DASHBOARD_DEFAULTS.port : Number(values.port);
  if (!/^\d+$/.test(values.port ?? '0') || !Number.isInteger(port) || port < 0 || port > 65535) throw usageError('port', String(values.port));
  const host = typeof values.host === 'string' ? values.host : DASHBOARD_DEFAULTS.host;
  return { log: resolve(values.log), port, host };
}

/** Starts serving; resolves to a handle that stops the server and the tail. */
export async function serve(command: ServeCommand): Promise<{ url: string; close(): Promise<void> }> {
  const history = new RunHistory();
  const server = await DashboardServer.start({ host: command.host, port: command.port }, history);
  const tail = tailLog(command.log, (event) => {
    history.apply(event);
    server.publish(event, history);
  }, realScheduler);
  return {
    url: server.url,
    async close() {
      tail.close();
      await server.close();
    },
  };
}

async function main(argv: readonly string[]): Promise<number> {
  let command: ServeCommand | 'help';
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`tfjs-doctor: ${error.message}\n`);
    return 2;
  }
  if (command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const handle = await serve(command);
  process.stdout.write(`tfjs-doctor dashboard for ${command.log}: ${handle.url}\n(Ctrl+C to stop)\n`);
  const stop = () => {
    void handle.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return -1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`tfjs-doctor: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
