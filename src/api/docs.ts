import { Hono } from 'hono';

/**
 * GET /api/openapi.json (the OpenAPI 3.1 document) and GET /api/docs (a reference page rendered
 * here from that document: plain HTML and CSS, nothing loaded from elsewhere).
 */
export function apiDocsRoutes(documentOf: () => OpenApiDocument): Hono {
  const app = new Hono();
  let cached: { document: OpenApiDocument; html: string } | undefined;
  const load = () => {
    if (!cached) {
      const document = documentOf();
      cached = { document, html: renderReference(document) };
    }
    return cached;
  };
  app.get('/openapi.json', (c) => c.json(load().document));
  app.get('/docs', (c) => c.html(load().html));
  return app;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
}

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: unknown }[];
  requestBody?: { description?: string; content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** `code` spans and line breaks from the document's markdown-ish descriptions, safely. */
function prose(text: string | undefined): string {
  if (!text) return '';
  return escape(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function anchorOf(method: string, path: string): string {
  return `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '');
}

function schemaLabel(schema: unknown): string {
  if (!schema || typeof schema !== 'object') return '';
  const s = schema as Record<string, any>;
  if (typeof s.$ref === 'string') {
    const name = s.$ref.split('/').pop()!;
    return `<a href="#schema-${escape(name)}">${escape(name)}</a>`;
  }
  if (s.type === 'array') return `${schemaLabel(s.items)}[]`;
  if (Array.isArray(s.enum)) return s.enum.map((v: unknown) => `<code>${escape(String(v))}</code>`).join(' | ');
  const type = Array.isArray(s.type) ? s.type.join(' | ') : s.type ?? (s.anyOf ? s.anyOf.map(schemaLabel).join(' | ') : 'object');
  return escape(String(type)) + (s.format ? ` <span class="muted">(${escape(s.format)})</span>` : '');
}

/** An object schema as a table of its properties; anything else as its JSON. */
function schemaTable(schema: unknown): string {
  const s = schema as Record<string, any> | undefined;
  if (!s || s.type !== 'object' || !s.properties) return `<pre>${escape(JSON.stringify(schema, null, 2))}</pre>`;
  const required = new Set<string>(s.required ?? []);
  const rows = Object.entries(s.properties as Record<string, any>).map(
    ([name, prop]) =>
      `<tr><td><code>${escape(name)}</code>${required.has(name) ? ' <span class="req">required</span>' : ''}</td><td>${schemaLabel(prop)}</td><td>${prose(
        prop?.description,
      )}${prop?.example !== undefined ? ` <span class="muted">e.g. <code>${escape(JSON.stringify(prop.example))}</code></span>` : ''}</td></tr>`,
  );
  return `<table><thead><tr><th>field</th><th>type</th><th>meaning</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The schema a $ref points to, from the document's components. */
function resolve(doc: OpenApiDocument, schema: unknown): unknown {
  const ref = (schema as { $ref?: string } | undefined)?.$ref;
  return ref ? doc.components?.schemas?.[ref.split('/').pop()!] : schema;
}

function renderOperation(doc: OpenApiDocument, method: string, path: string, op: Operation): string {
  const params = (op.parameters ?? [])
    .map(
      (p) =>
        `<tr><td><code>${escape(p.name)}</code>${p.required ? ' <span class="req">required</span>' : ''}</td><td>${escape(p.in)}</td><td>${schemaLabel(p.schema)}</td><td>${prose(
          p.description ?? (p.schema as any)?.description,
        )}</td></tr>`,
    )
    .join('');
  const body = op.requestBody?.content?.['application/json']?.schema;
  const responses = Object.entries(op.responses ?? {})
    .map(([status, r]) => `<tr><td><code>${escape(status)}</code></td><td>${prose(r.description)}</td><td>${schemaLabel(r.content?.['application/json']?.schema)}</td></tr>`)
    .join('');
  return `<section class="op" id="${anchorOf(method, path)}">
<h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escape(path)}</code></h3>
<p><strong>${prose(op.summary)}</strong>${op.security?.length ? ' <span class="muted">· API key</span>' : ''}</p>
${op.description ? `<p>${prose(op.description)}</p>` : ''}
${params ? `<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th>type</th><th>meaning</th></tr></thead><tbody>${params}</tbody></table>` : ''}
${body ? `<h4>Body</h4><p>${schemaLabel(body)}</p>${schemaTable(resolve(doc, body))}` : ''}
<h4>Responses</h4><table><thead><tr><th>status</th><th>meaning</th><th>body</th></tr></thead><tbody>${responses}</tbody></table>
</section>`;
}

export function renderReference(doc: OpenApiDocument): string {
  const operations: { tag: string; method: string; path: string; op: Operation }[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (op) operations.push({ tag: op.tags?.[0] ?? 'Other', method, path, op });
    }
  }
  const tags = [...new Set(operations.map((o) => o.tag))];
  const toc = tags
    .map(
      (tag) =>
        `<li>${escape(tag)}<ul>${operations
          .filter((o) => o.tag === tag)
          .map((o) => `<li><a href="#${anchorOf(o.method, o.path)}"><span class="method ${o.method}">${o.method.toUpperCase()}</span> ${escape(o.path.replace(/^\/api\/meetings/, ''))}</a></li>`)
          .join('')}</ul></li>`,
    )
    .join('');
  const sections = tags
    .map((tag) => `<h2>${escape(tag)}</h2>${operations.filter((o) => o.tag === tag).map((o) => renderOperation(doc, o.method, o.path, o.op)).join('')}`)
    .join('');
  const schemas = Object.entries(doc.components?.schemas ?? {})
    .map(([name, schema]) => `<section class="schema" id="schema-${escape(name)}"><h3>${escape(name)}</h3>${schemaTable(schema)}</section>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(doc.info.title)} reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d1c1d;display:grid;grid-template-columns:300px 1fr}
nav{position:sticky;top:0;height:100vh;overflow:auto;background:#f8f8f8;border-right:1px solid #ddd;padding:1rem;font-size:13px}
nav ul{list-style:none;padding-left:.5rem}nav li{margin:2px 0}main{padding:1rem 2rem;max-width:1000px}
code,pre{font:13px ui-monospace,monospace;background:#f3f3f3;border-radius:3px;padding:0 3px}pre{padding:.5rem;overflow:auto}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border:1px solid #e3e3e3;padding:4px 8px;text-align:left;vertical-align:top}
.op,.schema{border-top:1px solid #ddd;padding-top:.5rem;margin-top:1rem}.muted{color:#777}.req{color:#b3261e;font-size:12px}
.method{display:inline-block;min-width:52px;font:bold 12px ui-monospace,monospace;color:#fff;border-radius:3px;padding:1px 4px;text-align:center}
.get{background:#2b7a0b}.post{background:#1264a3}.put,.patch{background:#9a6700}.delete{background:#b3261e}
</style></head>
<body><nav><strong>${escape(doc.info.title)}</strong> <span class="muted">v${escape(doc.info.version)}</span>
<p><a href="/api/openapi.json">openapi.json</a> (OpenAPI ${escape(doc.openapi)})</p><ul>${toc}<li><a href="#schemas">Schemas</a></li></ul></nav>
<main><h1>${escape(doc.info.title)}</h1><p>${prose(doc.info.description)}</p>
${sections}<h2 id="schemas">Schemas</h2>${schemas}</main></body></html>`;
}
