// Bundles the browser pages under web/src into web/dist. Filled in by the video page work.
import { mkdir } from 'node:fs/promises';
await mkdir(new URL('./dist/', import.meta.url), { recursive: true });
