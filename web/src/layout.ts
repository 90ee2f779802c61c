/**
 * The grid that fits: for `count` tiles of one aspect ratio in a box, the number of columns that
 * makes the tiles largest, and their size. Pure, so it is the same however the page is laid out.
 */
export function bestGrid(count: number, width: number, height: number, gap = 8, aspect = 16 / 9): { cols: number; rows: number; tileWidth: number; tileHeight: number } {
  const n = Math.max(1, count);
  let best = { cols: 1, rows: n, tileWidth: 0, tileHeight: 0 };
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const fitWidth = (width - gap * (cols - 1)) / cols;
    const fitHeight = (height - gap * (rows - 1)) / rows;
    const tileWidth = Math.max(0, Math.min(fitWidth, fitHeight * aspect));
    if (tileWidth > best.tileWidth) best = { cols, rows, tileWidth, tileHeight: tileWidth / aspect };
  }
  return { ...best, tileWidth: Math.floor(best.tileWidth), tileHeight: Math.floor(best.tileHeight) };
}

/** "0:42", "12:05", "1:02:03". */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}
