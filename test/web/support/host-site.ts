import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Another site that embeds the booking page: a plain HTTP server whose pages are what a test
 * puts in. Its pages are at `http://localhost:<port>`, another site than the app's
 * `http://127.0.0.1:<port>`; the same server at `http://127.0.0.1:<port>` is a third origin.
 */
export interface HostSite {
  /** http://localhost:<port> */
  origin: string;
  /** http://127.0.0.1:<port>: the same pages from another origin than both. */
  otherOrigin: string;
  page(path: string, html: string): string;
  close(): Promise<void>;
}

export async function startHostSite(): Promise<HostSite> {
  const pages = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const html = pages.get((req.url ?? '/').split('?')[0]!);
    res.writeHead(html === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(html ?? 'Not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://localhost:${port}`,
    otherOrigin: `http://127.0.0.1:${port}`,
    page(path, html) {
      pages.set(path, html);
      return `http://localhost:${port}${path}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A plain page of the host site around `body`, recording the meet:* events it hears (window.heard). */
export function hostPage(body: string, scriptTag: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>Help center</title></head>
<body style="margin:0;font-family:sans-serif">
<main style="max-width:70rem;margin:0 auto;padding:1rem">
<h1>Help center</h1>
${body}
</main>
<script>
  window.heard = [];
  for (const type of ['meet:booked', 'meet:rescheduled', 'meet:cancelled']) {
    document.addEventListener(type, (e) => window.heard.push({ type: e.type, detail: e.detail, target: e.target.id || e.target.nodeName }));
  }
</script>
${scriptTag}
</body>
</html>`;
}
