// Bundles the call page (web/src) into web/dist with esbuild: call.js, the page's own script, and
// call-effects.js, background blur from Twilio's video processors, which the page loads only when
// someone turns it on. Copies twilio-video's browser build and the processors' model, WebAssembly
// and workers beside them (served from here, never from a CDN), and prints what the page costs.
// Also copies Scalar's API reference bundle, which the Worker serves at /api/docs/scalar.js.
import { copyFile, mkdir, readFile, readdir } from 'node:fs/promises';
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
await copyFile(join(here, 'src/call.css'), join(dist, 'call.css'));
await copyFile(join(here, 'src/favicon.svg'), join(dist, 'favicon.svg'));
await copyFile(join(packageDir('twilio-video'), 'dist/twilio-video.min.js'), join(dist, 'twilio-video.min.js'));
// The API reference's script, for the Cloudflare Worker (on Node the app serves it from node_modules).
await copyFile(join(dirname(require.resolve('@scalar/api-reference')), 'browser/standalone.js'), join(dist, 'scalar-api-reference.js'));
const processors = join(packageDir('@twilio/video-processors'), 'dist/build');
for (const name of await readdir(processors)) {
  if (/^(tflite|selfie_segmentation|twilio-gaussian-blur)/.test(name)) await copyFile(join(processors, name), join(dist, name));
}

const size = async (name) => {
  const bytes = await readFile(join(dist, name));
  return `${name} ${(bytes.length / 1024).toFixed(1)} kB (${(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(1)} kB gzipped)`;
};
console.log('web: built web/dist');
console.log(`  page script:  ${await size('call.js')}`);
console.log(`  page styles:  ${await size('call.css')}`);
console.log(`  twilio-video: ${await size('twilio-video.min.js')}`);
console.log(`  loaded only for background blur: ${await size('call-effects.js')}`);
