import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meetingTypeFieldsSchema } from '../../src/core/bookings/schemas.js';
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
    expect(routes.size).toBeGreaterThanOrEqual(15);
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
    expect(Object.keys(post.responses).sort()).toEqual(['200', '201', '400', '401', '404', '409', '422', '500']);
    expect(post.security).toEqual([{ apiKey: [] }]);
    expect(doc.components.schemas.Error.properties.error.required.sort()).toEqual(['code', 'field', 'message', 'requestId']);
  });

  it('renders a readable reference page with every operation, loading nothing from elsewhere', async () => {
    const response = await h.app.request('/api/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    for (const route of documented()) {
      const [method, path] = route.split(' ') as [string, string];
      expect(html, route).toContain(`${method}</span> <code>${path}</code>`);
    }
    expect(html).toContain('Authorization: Bearer');
    expect(html).not.toMatch(/<script|<link[^>]+href=|src="http/i);
  });
});
