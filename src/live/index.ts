/**
 * watch(model, options): a live view of training (CHECKLIST T9).
 *
 *   1. resolve options -> 2. monitor (history, detectors, NaN stop)
 *   -> 3. sinks: notebook panel (tslab), log file, dashboard server
 *   -> 4. the callback handed to model.fit
 */
import * as tf from '@tensorflow/tfjs';
import { createLiveDisplay, inNotebook } from '../render/tslab';
import { Watcher } from './callback';
import { finalBundle } from './final';
import { LogSink } from './log';
import * as messages from './messages';
import { Monitor } from './monitor';
import { NotebookSink, realScheduler } from './notebook';
import { isDisposedModel } from '../context/model-info';
import { resolveWatchOptions, watchError, type WatchOptions } from './options';
import { DashboardServer } from './server';

export type { WatchOptions, ServeOptions } from './options';
export { WatchOptionsError } from './options';
export type { Watcher } from './callback';
export type { StepResult } from './monitor';
export type { HistorySnapshot } from './history';
export type { LiveEvent, RunInfo, LayerSample } from './events';

/**
 * A tfjs callback that watches training live: `model.fit(x, y, { callbacks: [watch(model)] })`.
 * In a tslab cell it shows one panel updated in place (about once a second);
 * with `serve: true` it also starts a dashboard on 127.0.0.1 and prints its
 * URL. Stops training at the first NaN/Inf loss and says where it came from.
 * Call `close()` when done with a served or logged run.
 */
export function watch(model: tf.LayersModel, options: WatchOptions = {}): Watcher {
  if (!(model instanceof tf.LayersModel)) throw watchError('notModel', model);
  if (isDisposedModel(model)) throw watchError('modelDisposed');
  const resolved = resolveWatchOptions(options);
  const monitor = new Monitor(model, resolved);

  const showPanel = resolved.display === 'auto' ? inNotebook() : resolved.display;
  if (showPanel) {
    monitor.addSink(new NotebookSink(createLiveDisplay(), { throttleMs: resolved.throttleMs, now: resolved.now, scheduler: realScheduler, finalBundle }));
  }
  if (resolved.log !== null) monitor.addSink(new LogSink(resolved.log));

  let url: string | null = null;
  const ready = resolved.serve === null
    ? Promise.resolve()
    : DashboardServer.start({ host: resolved.serve.host, port: resolved.serve.port }, monitor.history).then((server) => {
        monitor.addSink(server);
        url = server.url;
        // Asked for with serve: true, so printing the URL is expected.
        console.log(messages.dashboardUrl(server.url));
      });
  // A failed listen shows at fit time (onTrainBegin awaits it), not as an unhandled rejection.
  ready.catch(() => undefined);
  return new Watcher(monitor, { ready, url: () => url });
}
