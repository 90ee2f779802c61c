// npm start: builds what is missing or stale (scripts/build.mjs, a few milliseconds when nothing
// changed), then runs the built server, dist/server/main.js, in this same Node process.
import module from 'node:module';
import { pathToFileURL } from 'node:url';
import { build, isBuildCurrent, serverEntry } from './build.mjs';

// Node 22 and later keep V8's compiled code of the bundle between starts; Node 20 has no such cache.
module.enableCompileCache?.();
if (!isBuildCurrent()) await build();
await import(pathToFileURL(serverEntry).href);
