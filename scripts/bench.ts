/**
 * `npm run bench` after the build: every dist/bench/*.js in its own child
 * process, one after another (benchmarks must not share a CPU with each other),
 * their output shown as it comes. A bench exits 0 when it met its targets, 2
 * when it ran but missed one (it prints MISS), anything else when it broke.
 * The summary names each outcome, and any miss or break fails the command.
 * The benches time CPU time of their own process (process.cpuUsage), not the
 * wall clock: on a shared machine wall time is mostly other people's load.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoPaths } from './lib/paths';

/** The exit code of a bench that ran to the end but missed a target. */
const MISSED_TARGET = 2;

function outcome(code: number): string {
  if (code === 0) return 'ok';
  return code === MISSED_TARGET ? 'MISS' : 'FAILED';
}

interface BenchResult {
  file: string;
  code: number;
  ms: number;
}

function runBench(path: string, cwd: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path], { cwd, stdio: 'inherit' });
    child.on('error', () => resolve(1));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  const paths = repoPaths();
  // Only benches whose source still exists: dist/ may hold stale files.
  const benches = (existsSync(paths.distBench) ? readdirSync(paths.distBench) : [])
    .filter((file) => file.endsWith('.js') && existsSync(join(paths.root, 'bench', file.replace(/\.js$/, '.ts'))))
    .sort();
  if (benches.length === 0) {
    console.log('npm run bench: no benchmarks in bench/ yet.');
    return 0;
  }
  console.log('npm run bench: every figure is timed in CPU time of the measuring process (wall time shown in brackets where printed).');
  const results: BenchResult[] = [];
  for (const file of benches) {
    console.log(`\n=== bench/${file.replace(/\.js$/, '.ts')} ===`);
    const started = Date.now();
    const code = await runBench(join(paths.distBench, file), paths.root);
    results.push({ file, code, ms: Date.now() - started });
  }
  console.log('\n=== summary ===');
  for (const r of results) {
    console.log(`${outcome(r.code).padEnd(13)} ${r.file.padEnd(36)} ${(r.ms / 1000).toFixed(1)} s${r.code === 0 || r.code === MISSED_TARGET ? '' : ` (exit ${r.code})`}`);
  }
  const missed = results.filter((r) => r.code === MISSED_TARGET).length;
  const broken = results.filter((r) => r.code !== 0 && r.code !== MISSED_TARGET).length;
  if (missed + broken === 0) {
    console.log(`all ${results.length} benchmarks met their targets`);
    return 0;
  }
  console.log(`MISS: ${missed} benchmark(s) missed a target, ${broken} failed to run (of ${results.length}); see the MISS lines above`);
  return 1;
}

main().then((code) => (process.exitCode = code));
