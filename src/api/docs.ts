import { Scalar } from '@scalar/hono-api-reference';
import { Hono } from 'hono';

/**
 * GET /api/openapi.json (the OpenAPI 3.1 document), GET /api/docs (Scalar's API reference, with
 * "try it", from @scalar/hono-api-reference) and GET /api/docs/scalar.js (Scalar's standalone
 * bundle, served by this app from the @scalar/api-reference package: no CDN, so the page works
 * offline and under a strict Content-Security-Policy with a nonce per request).
 */
export const SCALAR_BUNDLE_PATH = '/api/docs/scalar.js';
/** Where web/build.mjs copies the bundle, for the Worker (which has no node_modules at run time). */
export const SCALAR_BUNDLE_ASSET = 'scalar-api-reference.js';

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
}

function docsPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // Scripts are held to the nonce; the reference's components write inline styles (Scalar needs this for styles only).
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    // "Try it" calls this server only.
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function apiDocsRoutes(documentOf: () => OpenApiDocument): Hono {
  const app = new Hono();
  let document: OpenApiDocument | undefined;
  const load = () => (document ??= documentOf());

  app.get('/openapi.json', (c) => c.json(load()));

  app.get('/docs', async (c, next) => {
    const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
    c.header('Content-Security-Policy', docsPolicy(nonce));
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Content-Type-Options', 'nosniff');
    const render = Scalar({
      url: '/api/openapi.json',
      cdn: SCALAR_BUNDLE_PATH,
      nonce,
      pageTitle: `${load().info.title} reference`,
      withDefaultFonts: false,
      // Nothing leaves this server: no Scalar proxy, fonts, telemetry, developer tools, agent or MCP.
      telemetry: false,
      showDeveloperTools: 'never',
      agent: { disabled: true },
      mcp: { disabled: true },
      defaultOpenAllTags: false,
      authentication: { preferredSecurityScheme: 'apiKey' },
      // "Try it" calls the server the page came from ('/' from the document would make Scalar write "//api/...").
      servers: [{ url: '', description: 'This server' }],
    } as Parameters<typeof Scalar>[0]);
    return render(c, next);
  });

  app.get('/docs/scalar.js', async (c) => {
    const bundle = await readScalarBundle();
    if (!bundle) return c.text('The API reference bundle (@scalar/api-reference) is not installed', 404);
    return c.body(bundle, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=86400',
      'x-content-type-options': 'nosniff',
    });
  });
  return app;
}

let bundle: Promise<Uint8Array<ArrayBuffer> | undefined> | undefined;

/** Node: the standalone bundle from node_modules, read once. (On Workers the Worker serves it from its assets first.) */
function readScalarBundle(): Promise<Uint8Array<ArrayBuffer> | undefined> {
  bundle ??= (async () => {
    try {
      const [{ readFile }, { createRequire }, { dirname, join }] = await Promise.all([import('node:fs/promises'), import('node:module'), import('node:path')]);
      // The package exports no path to its browser build: find it beside its main entry (dist/index.js).
      const main = createRequire(import.meta.url).resolve('@scalar/api-reference');
      const file = await readFile(join(dirname(main), 'browser', 'standalone.js'));
      return new Uint8Array(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength)) as Uint8Array<ArrayBuffer>;
    } catch {
      bundle = undefined;
      return undefined;
    }
  })();
  return bundle;
}
