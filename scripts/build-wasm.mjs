/**
 * Compiles tfjs-doctor's hand-written WebAssembly kernels: every
 * src/backend/wasm-module/NAME.wat to dist/src/backend/wasm-module/NAME.wasm,
 * with wabt (a devDependency: the published package ships the .wasm files in
 * dist/src, built from the .wat source in the repository).
 *
 * Part of every build (`npm run build`, and buildDist for `npm test` and
 * `npm start`). A .wasm newer than its .wat is left alone, so a build with
 * nothing changed does not load wabt.
 *
 * Run directly: `node scripts/build-wasm.mjs` (exit code 1 on a WAT error).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

/** The post-MVP features the kernels use; Node 20 and current browsers run them all. */
export const WASM_FEATURES = { simd: true, bulk_memory: true };

const SOURCE_DIR = join('src', 'backend', 'wasm-module');

/** The bytes of one WAT source (a Uint8Array); throws with wabt's message on an error. */
export async function compileWat(root, fileName, text) {
  const wabtFactory = createRequire(join(root, 'package.json'))('wabt');
  const wabt = await wabtFactory();
  const module = wabt.parseWat(fileName, text, WASM_FEATURES);
  try {
    module.resolveNames();
    module.validate();
    return module.toBinary({ canonicalize_lebs: true, write_debug_names: false }).buffer;
  } finally {
    module.destroy();
  }
}

/** Resolves { ok, built: [names compiled], output }. */
export async function buildWasm(root) {
  const sourceDir = join(root, SOURCE_DIR);
  const outDir = join(root, 'dist', SOURCE_DIR);
  const sources = existsSync(sourceDir) ? readdirSync(sourceDir).filter((f) => f.endsWith('.wat')).sort() : [];
  const built = [];
  try {
    for (const file of sources) {
      const source = join(sourceDir, file);
      const target = join(outDir, file.replace(/\.wat$/, '.wasm'));
      if (existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs) continue;
      const bytes = await compileWat(root, join(SOURCE_DIR, file), readFileSync(source, 'utf8'));
      mkdirSync(outDir, { recursive: true });
      writeFileSync(target, bytes);
      built.push(file);
    }
  } catch (error) {
    return { ok: false, built, output: `build-wasm: ${error instanceof Error ? error.message : String(error)}` };
  }
  return { ok: true, built, output: '' };
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const result = await buildWasm(root);
  if (!result.ok) {
    console.error(result.output);
    process.exit(1);
  }
}
