export { rawRows } from '../../src/db/raw.js';
