import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import spectralCore from '@stoplight/spectral-core';
import spectralParsers from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import { meetingTypeFieldsSchema } from '../../src/core/bookings/schemas.js';

const { Spectral, Document } = spectralCore;
const Parsers = spectralParsers as unknown as { Json: ConstructorParameters<typeof Document>[1] };
import { call, openApiHarness, type ApiHarness } from './support.js';

const now = new Date('2027-02-26T12:00:00Z');

/** "/api/meetings/bookings/:id" → "/api/meetings/bookings/{id}" */
const openApiPath = (path: string) => path.replace(/:([^/]+)/g, '{$1}').replace(/\/$/, '');

describe('OpenAPI document and reference page', () => {
  let h: ApiHarness;
  let doc: any;

  beforeAll(async () => {
    h = await openApiHarness('pglite', now);
    const result = await call(h.app, 'GET', '/api/openapi.json');
    expect(result.status).toBe(200);
    doc = result.body;
  });
  afterAll(() => h?.close());

  const served = () =>
    new Set(
      h.app.routes
        .filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/meetings/'))
        .map((r) => `${r.method.toUpperCase()} ${openApiPath(r.path)}`),
    );
  const documented = () =>
    new Set(
      Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
        Object.keys(item)
          .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
          .map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );

  it('is OpenAPI 3.1 with the API key scheme', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBeTruthy();
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('documents every route the API serves, and serves every route it documents', () => {
    const routes = served();
    const docs = documented();
    expect(routes.size).toBeGreaterThanOrEqual(30);
    expect([...routes].filter((r) => !docs.has(r))).toEqual([]);
    expect([...docs].filter((r) => !routes.has(r))).toEqual([]);
    for (const route of [
      'GET /api/meetings/meeting-types',
      'POST /api/meetings/meeting-types',
      'PATCH /api/meetings/meeting-types/{id}',
      'DELETE /api/meetings/meeting-types/{id}',
      'GET /api/meetings/availability',
      'PUT /api/meetings/availability/people/{personId}/schedule',
      'POST /api/meetings/bookings',
      'GET /api/meetings/bookings',
      'GET /api/meetings/bookings/{id}',
      'POST /api/meetings/bookings/{id}/reschedule',
      'POST /api/meetings/bookings/{id}/cancel',
      'POST /api/meetings/webhooks/endpoints',
      'GET /api/meetings/webhooks/deliveries',
      'POST /api/meetings/webhooks/deliveries/{id}/redeliver',
    ]) {
      expect(docs.has(route), route).toBe(true);
    }
  });

  it('answers each documented route with something other than "no such route"', async () => {
    for (const route of documented()) {
      const [method, path] = route.split(' ') as [string, string];
      const concrete = path.replace(/\{id\}|\{bookingId\}/g, '00000000-0000-4000-8000-000000000000').replace(/\{personId\}/g, 'U0ANA');
      const result = await call(h.app, method, concrete, method === 'GET' || method === 'DELETE' ? {} : { body: {} });
      expect(result.body?.error?.code, route).not.toBe('route_not_found');
    }
  });

  it('comes from the same zod schemas the API validates with', () => {
    const create = doc.components.schemas.MeetingTypeCreate;
    expect(Object.keys(create.properties).sort()).toEqual(Object.keys(meetingTypeFieldsSchema.shape).sort());
    expect(create.properties.durationMinutes).toMatchObject({ minimum: 5, maximum: 720 });
    const booking = doc.components.schemas.BookingCreate;
    expect(booking.required.sort()).toEqual(['meetingTypeId', 'organizerId', 'start']);
    expect(booking.properties.organizerId.pattern).toBe('^[UW][A-Z0-9]{2,}$');
    const post = doc.paths['/api/meetings/bookings'].post;
    expect(post.parameters.map((p: any) => [p.in, p.name.toLowerCase()])).toContainEqual(['header', 'idempotency-key']);
    expect(Object.keys(post.responses).sort()).toEqual(['200', '201', '400', '401', '404', '409', '422', '429', '500']);
    expect(Object.keys(post.responses['429'].headers).sort()).toEqual(['RateLimit', 'RateLimit-Policy', 'Retry-After']);
    expect(post.security).toEqual([{ apiKey: [] }]);
    expect(doc.components.schemas.Error.properties.error.required.sort()).toEqual(['code', 'field', 'message', 'requestId']);
  });

  it('gives every operation a unique operationId and declared tags', () => {
    const operations = Object.values(doc.paths as Record<string, Record<string, any>>).flatMap((item) =>
      Object.entries(item).filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map(([, op]) => op),
    );
    const ids = operations.map((op) => op.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const declared = new Set((doc.tags as { name: string; description: string }[]).map((t) => t.name));
    for (const op of operations) {
      expect(op.tags.length).toBeGreaterThan(0);
      for (const tag of op.tags) expect(declared.has(tag), `${op.operationId}: ${tag}`).toBe(true);
    }
  });

  it('passes the Spectral spectral:oas ruleset with no errors (and no warnings), so SDK generators work', async () => {
    const results = await lintOpenApi(JSON.stringify(doc));
    expect(results.filter((r) => r.severity === 0)).toEqual([]);
    expect(results.filter((r) => r.severity === 1).map((r) => `${r.code} ${r.path.join('.')}`)).toEqual([]);
    // The linter does fail a broken document (an operation without its path parameter declared, a duplicate operationId).
    const broken = structuredClone(doc);
    broken.paths['/api/meetings/bookings/{id}'].get.parameters = [];
    broken.paths['/api/meetings/bookings'].get.operationId = 'createBooking';
    const codes = (await lintOpenApi(JSON.stringify(broken))).filter((r) => r.severity === 0).map((r) => r.code);
    expect(codes).toEqual(expect.arrayContaining(['path-params', 'operation-operationId-unique']));
  });

  it('answers a 201 with the new resource\'s Location', () => {
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const op of Object.values(item)) {
        if (op?.responses?.['201']) expect(op.responses['201'].headers?.Location, `${path} ${op.operationId}`).toBeDefined();
      }
    }
  });

  it('serves Scalar\'s reference page and its bundle from this server, with scripts held to a nonce', async () => {
    const response = await h.app.request('/api/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const policy = response.headers.get('content-security-policy')!;
    const nonce = /script-src 'nonce-([^']+)'/.exec(policy)?.[1];
    expect(nonce).toBeTruthy();
    const html = await response.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const attributes of scripts) expect(attributes).toContain(`nonce="${nonce}"`);
    expect(html).toContain('src="/api/docs/scalar.js"');
    expect(html).toContain('"url": "/api/openapi.json"');
    expect(html).not.toMatch(/https?:\/\//);
    // A new nonce each time.
    const again = (await h.app.request('/api/docs')).headers.get('content-security-policy');
    expect(again).not.toBe(policy);
    const bundle = await h.app.request('/api/docs/scalar.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('javascript');
    expect((await bundle.text()).length).toBeGreaterThan(1_000_000);
  });
});

/** Spectral with its spectral:oas ruleset (recommended rules), as `spectral lint` runs it. */
async function lintOpenApi(text: string): Promise<{ code: string | number; severity: number; path: (string | number)[]; message: string }[]> {
  const spectral = new Spectral();
  spectral.setRuleset({ extends: [[oas as never, 'recommended']] } as never);
  return spectral.run(new Document(text, Parsers.Json, '/api/openapi.json'));
}
