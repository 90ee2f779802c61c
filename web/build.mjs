// Bundles the call page (web/src) into web/dist with esbuild, and copies twilio-video's own
// browser build from node_modules beside it (served from here, never from a CDN).
// `node web/build.mjs` (npm run build:web) builds it alone; scripts/build.mjs calls buildWeb().
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const require = createRequire(import.meta.url);

export async function buildWeb() {
  await mkdir(dist, { recursive: true });
  await build({
    entryPoints: { call: join(here, 'src/main.ts') },
    outdir: dist,
    bundle: true,
    format: 'iife',
    target: ['chrome100', 'firefox100', 'safari15'],
    minify: process.env.NODE_ENV === 'production',
    sourcemap: 'linked',
    logLevel: 'warning',
    // twilio-video is loaded by its own <script> tag as window.Twilio.Video; the page only imports its types.
    external: ['twilio-video'],
  });
  await copyFile(join(here, 'src/call.css'), join(dist, 'call.css'));
  await copyFile(join(dirname(require.resolve('twilio-video/package.json')), 'dist/twilio-video.min.js'), join(dist, 'twilio-video.min.js'));
  return 'web/dist (call.js, call.css, twilio-video.min.js)';
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(`web: built ${await buildWeb()}`);
}
