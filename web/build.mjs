// Bundles the browser code in web/src into web/dist with esbuild:
// - the call page: call.js, and call-effects.js, background blur from Twilio's video processors,
//   which the page loads only when someone turns it on; twilio-video's browser build and the
//   processors' model, WebAssembly and workers are copied beside them (served from here, never a CDN);
// - the public booking pages: booking.js and manage.js (web/src/booking), and booking.css, compiled
//   by Tailwind CSS from the classes those pages use; the build fails when they outgrow their budget.
// - embed.js (web/src/embed), the loader other sites include to show the booking page, with its own budget.
// - Scalar's API reference bundle, which the Worker serves at /api/docs/scalar.js (Node serves it
//   from node_modules).
// `node web/build.mjs` (npm run build:web) builds it alone; scripts/build.mjs calls buildWeb().
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const require = createRequire(import.meta.url);
const packageDir = (name) => dirname(require.resolve(`${name}/package.json`));
const browsers = { bundle: true, format: 'iife', target: ['chrome100', 'firefox100', 'safari15'], minify: true, sourcemap: 'linked', logLevel: 'warning' };

/** The booking page's budget (gzipped): the issue's "fast and light"; embed.js loads on other sites' every page. */
const BUDGET = { 'booking.js': 35 * 1024, 'booking.css': 15 * 1024, 'embed.js': 5 * 1024 };

export class BudgetError extends Error {}

/** Builds web/dist; returns the lines that say what each piece costs. Throws BudgetError when a page is over its budget. */
export async function buildWeb() {
  await mkdir(dist, { recursive: true });
  const tailwind = join(packageDir('@tailwindcss/cli'), 'dist/index.mjs');
  await Promise.all([
    build({
      ...browsers,
      entryPoints: { call: join(here, 'src/main.ts'), 'call-effects': join(here, 'src/effects.ts') },
      outdir: dist,
      // twilio-video is loaded by its own <script> tag as window.Twilio.Video; the page only imports its types.
      external: ['twilio-video'],
    }),
    build({ ...browsers, entryPoints: { booking: join(here, 'src/booking/main.ts'), manage: join(here, 'src/booking/manage.ts') }, outdir: dist }),
    // Served at /embed.js (not under /assets), alone: no source map beside it.
    build({ ...browsers, sourcemap: false, entryPoints: { embed: join(here, 'src/embed/main.ts') }, outdir: dist }),
    promisify(execFile)(process.execPath, [tailwind, '--input', join(here, 'src/booking/booking.css'), '--output', join(dist, 'booking.css'), '--minify'], { cwd: here }),
  ]);
  await copyFile(join(here, 'src/call.css'), join(dist, 'call.css'));
  await copyFile(join(here, 'src/favicon.svg'), join(dist, 'favicon.svg'));
  await copyFile(join(packageDir('twilio-video'), 'dist/twilio-video.min.js'), join(dist, 'twilio-video.min.js'));
  await copyFile(join(dirname(require.resolve('@scalar/api-reference')), 'browser/standalone.js'), join(dist, 'scalar-api-reference.js'));
  const processors = join(packageDir('@twilio/video-processors'), 'dist/build');
  for (const name of await readdir(processors)) {
    if (/^(tflite|selfie_segmentation|twilio-gaussian-blur)/.test(name)) await copyFile(join(processors, name), join(dist, name));
  }

  const gzipped = async (name) => gzipSync(await readFile(join(dist, name)), { level: 9 }).length;
  const size = async (name) => {
    const bytes = await readFile(join(dist, name));
    return `${name} ${(bytes.length / 1024).toFixed(1)} kB (${((await gzipped(name)) / 1024).toFixed(1)} kB gzipped)`;
  };
  const lines = [
    `  page script:  ${await size('call.js')}`,
    `  page styles:  ${await size('call.css')}`,
    `  twilio-video: ${await size('twilio-video.min.js')}`,
    `  loaded only for background blur: ${await size('call-effects.js')}`,
    `  booking page script: ${await size('booking.js')} (budget ${BUDGET['booking.js'] / 1024} kB gzipped)`,
    `  booking page styles: ${await size('booking.css')} (budget ${BUDGET['booking.css'] / 1024} kB gzipped)`,
    `  manage page script:  ${await size('manage.js')}`,
    `  embed.js, on other sites' pages: ${await size('embed.js')} (budget ${BUDGET['embed.js'] / 1024} kB gzipped)`,
  ];
  for (const [name, limit] of Object.entries(BUDGET)) {
    if ((await gzipped(name)) > limit) throw new BudgetError(`web: ${name} is over its budget of ${limit / 1024} kB gzipped\n${lines.join('\n')}`);
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    console.log(`web: built web/dist\n${(await buildWeb()).join('\n')}`);
  } catch (error) {
    console.error(error instanceof BudgetError ? error.message : error);
    process.exitCode = 1;
  }
}
