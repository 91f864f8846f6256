/**
 * Keeps tfjs from printing into the notebook.
 *
 * The cpu backend warns once, on its first tensor write, that tfjs-node would
 * be faster. When tfjs-doctor has chosen the backend on purpose that advice is
 * noise (and tfjs-node cannot install offline), so we mark the cpu backend as
 * already used. This touches that one flag on that one object; console and
 * tfjs's global flags stay as they were.
 */
import * as tf from '@tensorflow/tfjs';

function hasFirstUse(backend: object): backend is { firstUse: boolean } {
  return 'firstUse' in backend && typeof backend.firstUse === 'boolean';
}

/** Silences the cpu backend's "install the node backend" banner. Returns whether it could. */
export function silenceNodeBanner(): boolean {
  if (!tf.engine().backendNames().includes('cpu')) return false;
  const cpu: object | null = tf.findBackend('cpu');
  if (cpu == null || !hasFirstUse(cpu)) return false;
  cpu.firstUse = false;
  return true;
}
