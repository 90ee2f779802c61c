// What production runs, built once: the server (src/main.ts and the packages it uses, compiled and
// bundled by esbuild into dist/server) and the browser pages (web/build.mjs → web/dist).
//
//   node scripts/build.mjs            (npm run build) builds both
//   node scripts/build.mjs --if-stale builds only when an input changed since the last build
//
// Staleness is a fingerprint of every input's path, size and modification time, kept in
// dist/build-stamp.json: stat-ing the hundred-odd inputs takes about 10 ms, so `npm start` checks
// it every time. A file added, removed, edited or checked out (even with an older time) is a change.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stampPath = join(root, 'dist', 'build-stamp.json');

/** The server entry, and where it is written: two levels below the root, as src/<dir>/<file>.ts is. */
export const serverEntry = join(root, 'dist', 'server', 'main.js');

const inputDirs = ['src', 'web/src'];
const inputFiles = ['web/build.mjs', 'scripts/build.mjs', 'package.json', 'package-lock.json', 'tsconfig.json'];
const outputs = [serverEntry, ...['call.js', 'call-effects.js', 'call.css', 'twilio-video.min.js', 'booking.js', 'manage.js', 'booking.css'].map((name) => join(root, 'web', 'dist', name))];

function listFiles(dir) {
  const files = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) files.push(...listFiles(path));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/** One hash over every input's path, size and mtime. */
export function fingerprint() {
  const hash = createHash('sha256');
  const files = [...inputDirs.flatMap(listFiles), ...inputFiles.filter((f) => existsSync(join(root, f)))].sort();
  for (const file of files) {
    const stat = statSync(join(root, file));
    hash.update(`${file}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

/** True when every output exists and the inputs are those of the last build. */
export function isBuildCurrent() {
  if (!outputs.every((path) => existsSync(path))) return false;
  try {
    return JSON.parse(readFileSync(stampPath, 'utf8')).inputs === fingerprint();
  } catch {
    return false;
  }
}

export async function build() {
  const started = performance.now();
  const inputs = fingerprint(); // before building: an edit made during the build makes the next start rebuild
  const { build: esbuild } = await import('esbuild');
  const { buildWeb } = await import('../web/build.mjs');
  await rm(dirname(serverEntry), { recursive: true, force: true }); // chunks have hashed names: no stale ones
  const [, web] = await Promise.all([
    esbuild({
      entryPoints: { main: join(root, 'src/main.ts') },
      outdir: dirname(serverEntry),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // The npm packages are bundled too: Node then reads a few large files instead of resolving
      // and loading some 1,200 small ones (with Slack configured), a third of a start's CPU time. PGlite stays in
      // node_modules, where it finds its WebAssembly and data files beside its own module.
      external: ['@electric-sql/pglite'],
      // Chunks load on demand: the Slack app's (Bolt and its dependencies) only when Slack is configured.
      splitting: true,
      // CommonJS packages in an ES module bundle still call require() for Node's built-ins.
      banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
      sourcemap: 'linked',
      logLevel: 'warning',
    }),
    buildWeb(),
  ]);
  await mkdir(dirname(stampPath), { recursive: true });
  await writeFile(stampPath, `${JSON.stringify({ inputs, builtAt: new Date().toISOString() })}\n`);
  console.log(`build: ${relative(root, serverEntry)} and web/dist in ${Math.round(performance.now() - started)} ms\n${web.join('\n')}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv.includes('--if-stale') && isBuildCurrent()) {
    console.log('build: up to date');
  } else {
    await build();
  }
}
