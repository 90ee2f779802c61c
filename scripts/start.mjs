// npm start: builds what is missing or stale (scripts/build.mjs, a few milliseconds when nothing
// changed), then runs the built server, dist/server/main.js, in this same Node process.
import { pathToFileURL } from 'node:url';
import { build, isBuildCurrent, serverEntry } from './build.mjs';

if (!isBuildCurrent()) await build();
await import(pathToFileURL(serverEntry).href);
