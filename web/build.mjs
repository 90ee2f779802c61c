// Bundles the call page (web/src) into web/dist with esbuild: call.js, the page's own script, and
// call-effects.js, background blur from Twilio's video processors, which the page loads only when
// someone turns it on. Copies twilio-video's browser build and the processors' model, WebAssembly
// and workers beside them (served from here, never from a CDN), and prints what the page costs.
// The public booking pages: booking.js and manage.js (web/src/booking), and booking.css, compiled
// by Tailwind CSS from the classes those pages use; the build fails when they outgrow their budget.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, readdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const require = createRequire(import.meta.url);
const packageDir = (name) => dirname(require.resolve(`${name}/package.json`));

await mkdir(dist, { recursive: true });
await build({
  entryPoints: { call: join(here, 'src/main.ts'), 'call-effects': join(here, 'src/effects.ts') },
  outdir: dist,
  bundle: true,
  format: 'iife',
  target: ['chrome100', 'firefox100', 'safari15'],
  minify: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  // twilio-video is loaded by its own <script> tag as window.Twilio.Video; the page only imports its types.
  external: ['twilio-video'],
});
await build({
  entryPoints: { booking: join(here, 'src/booking/main.ts'), manage: join(here, 'src/booking/manage.ts') },
  outdir: dist,
  bundle: true,
  format: 'iife',
  target: ['chrome100', 'firefox100', 'safari15'],
  minify: true,
  sourcemap: 'linked',
  logLevel: 'warning',
});
const tailwind = join(packageDir('@tailwindcss/cli'), 'dist/index.mjs');
await promisify(execFile)(process.execPath, [tailwind, '--input', join(here, 'src/booking/booking.css'), '--output', join(dist, 'booking.css'), '--minify'], { cwd: here });
await copyFile(join(here, 'src/call.css'), join(dist, 'call.css'));
await copyFile(join(here, 'src/favicon.svg'), join(dist, 'favicon.svg'));
await copyFile(join(packageDir('twilio-video'), 'dist/twilio-video.min.js'), join(dist, 'twilio-video.min.js'));
const processors = join(packageDir('@twilio/video-processors'), 'dist/build');
for (const name of await readdir(processors)) {
  if (/^(tflite|selfie_segmentation|twilio-gaussian-blur)/.test(name)) await copyFile(join(processors, name), join(dist, name));
}

const gzipped = async (name) => gzipSync(await readFile(join(dist, name)), { level: 9 }).length;
const size = async (name) => {
  const bytes = await readFile(join(dist, name));
  return `${name} ${(bytes.length / 1024).toFixed(1)} kB (${((await gzipped(name)) / 1024).toFixed(1)} kB gzipped)`;
};
/** The booking page's budget (gzipped): the "fast and light". */
const BUDGET = { 'booking.js': 35 * 1024, 'booking.css': 15 * 1024 };
console.log('web: built web/dist');
console.log(`  page script:  ${await size('call.js')}`);
console.log(`  page styles:  ${await size('call.css')}`);
console.log(`  twilio-video: ${await size('twilio-video.min.js')}`);
console.log(`  loaded only for background blur: ${await size('call-effects.js')}`);
console.log(`  booking page script: ${await size('booking.js')} (budget ${BUDGET['booking.js'] / 1024} kB gzipped)`);
console.log(`  booking page styles: ${await size('booking.css')} (budget ${BUDGET['booking.css'] / 1024} kB gzipped)`);
console.log(`  manage page script:  ${await size('manage.js')}`);
for (const [name, limit] of Object.entries(BUDGET)) {
  if ((await gzipped(name)) > limit) {
    console.error(`web: ${name} is over its budget of ${limit / 1024} kB gzipped`);
    process.exitCode = 1;
  }
}
