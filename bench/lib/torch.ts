/**
 * PyTorch (one thread) as a reference rate, in a child process that stays up
 * for the whole benchmark so its measurements can be interleaved with ours.
 * Uses Debian's python3-torch through /usr/bin/python3; when that is missing,
 * `startTorch` says how to install it instead of failing the benchmark.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const TORCH_PYTHON = '/usr/bin/python3';
const INSTALL_HINT = 'apt-get -o DPkg::Lock::Timeout=300 install -y python3-torch';

export interface TorchRate {
  /** Samples per second of wall time and per second of the helper's CPU time. */
  wall: number;
  cpu: number;
  batches: number;
}

export interface TorchReference {
  version: string;
  rate(key: 'mlp' | 'cnn', seconds: number): Promise<TorchRate>;
  stop(): void;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Starts bench/torch/train_step.py; resolves to a reason string when PyTorch cannot run here. */
export async function startTorch(root: string): Promise<TorchReference | string> {
  const script = join(root, 'bench', 'torch', 'train_step.py');
  if (!existsSync(TORCH_PYTHON)) return `no ${TORCH_PYTHON}`;
  const child: ChildProcessWithoutNullStreams = spawn(TORCH_PYTHON, [script], { env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const next = async (): Promise<Record<string, unknown>> => {
    const line = await lines.next();
    if (line.done === true) throw new Error(`PyTorch helper exited: ${stderr.trim().split('\n').pop() ?? ''}`);
    const parsed: unknown = JSON.parse(line.value);
    if (!isRecord(parsed)) throw new Error(`PyTorch helper said ${line.value}`);
    return parsed;
  };
  try {
    const hello = await next();
    return {
      version: String(hello.torch),
      async rate(key, seconds) {
        child.stdin.write(`${key} ${seconds}\n`);
        const answer = await next();
        return { wall: Number(answer.samples_per_s), cpu: Number(answer.samples_per_cpu_s), batches: Number(answer.batches) };
      },
      stop() {
        child.stdin.end('quit\n');
      },
    };
  } catch (error) {
    child.kill();
    const reason = error instanceof Error ? error.message : String(error);
    return /No module named 'torch'/.test(stderr) ? `python3-torch is not installed (${INSTALL_HINT})` : reason;
  }
}
