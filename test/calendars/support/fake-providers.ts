import { createHash } from 'node:crypto';
import { http, HttpResponse } from 'msw';

/**
 * Google Calendar and Microsoft Graph as msw answers them, following their documented payloads:
 * the OAuth token endpoints (authorization code with PKCE, refresh, invalid_grant), Google's
 * calendarList, freeBusy and events, Graph's /me, calendar getSchedule and events. Access tokens
 * expire when a test says so (401, as both answer), refresh tokens can be revoked.
 */
export class FakeOAuthProvider {
  readonly calls: { method: string; url: string; body: any; auth: string | null }[] = [];
  readonly validAccess = new Set<string>();
  readonly revokedRefresh = new Set<string>();
  /** PKCE challenges seen in consent URLs, by state. */
  readonly challenges = new Set<string>();
  readonly events = new Map<string, any>();
  private counter = 0;

  constructor(readonly name: 'google' | 'microsoft') {}

  expireAccessTokens(): void {
    this.validAccess.clear();
  }

  issue(): { access: string; refresh: string } {
    this.counter++;
    const access = `${this.name}-access-${this.counter}`;
    this.validAccess.add(access);
    return { access, refresh: `${this.name}-refresh-${this.name === 'microsoft' ? this.counter : 1}` };
  }

  authorized(request: Request): boolean {
    const token = request.headers.get('authorization')?.replace(/^Bearer /, '') ?? '';
    return this.validAccess.has(token);
  }

  /** The token endpoint: `code` must be "good-code" with a verifier matching a challenge seen; refresh tokens until revoked. */
  async token(request: Request): Promise<Response> {
    const form = new URLSearchParams(await request.text());
    this.calls.push({ method: 'POST', url: request.url, body: Object.fromEntries(form), auth: null });
    if (form.get('client_secret') !== (this.name === 'google' ? 'google-secret' : 'ms-secret')) return HttpResponse.json({ error: 'invalid_client' }, { status: 401 });
    if (form.get('grant_type') === 'authorization_code') {
      const challenge = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
      if (form.get('code') !== 'good-code' || !this.challenges.has(challenge)) {
        return HttpResponse.json({ error: 'invalid_grant', error_description: 'Bad code or code_verifier' }, { status: 400 });
      }
    } else if (form.get('grant_type') === 'refresh_token') {
      if (this.revokedRefresh.has(form.get('refresh_token') ?? '')) {
        return HttpResponse.json({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }, { status: 400 });
      }
    } else {
      return HttpResponse.json({ error: 'unsupported_grant_type' }, { status: 400 });
    }
    const { access, refresh } = this.issue();
    const answer: Record<string, unknown> = { access_token: access, expires_in: 3599, token_type: 'Bearer', scope: 'calendar' };
    // Google sends a refresh token with the code only; Microsoft rotates it on every refresh.
    if (form.get('grant_type') === 'authorization_code' || this.name === 'microsoft') answer.refresh_token = refresh;
    return HttpResponse.json(answer);
  }

  record(request: Request, body: unknown): void {
    this.calls.push({ method: request.method, url: request.url, body, auth: request.headers.get('authorization') });
  }
}

const unauthenticatedGoogle = () =>
  HttpResponse.json({ error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } }, { status: 401 });
const unauthenticatedGraph = () =>
  HttpResponse.json({ error: { code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.' } }, { status: 401 });

export interface GoogleCalendarFixture {
  id: string;
  summary: string;
  accessRole: 'owner' | 'writer' | 'reader';
  primary?: boolean;
  timeZone?: string;
  busy: { start: string; end: string }[];
}

export function googleHandlers(fake: FakeOAuthProvider, calendars: GoogleCalendarFixture[]) {
  const api = 'https://www.googleapis.com/calendar/v3';
  return [
    http.post('https://oauth2.googleapis.com/token', ({ request }) => fake.token(request)),
    http.post('https://oauth2.googleapis.com/revoke', ({ request }) => {
      fake.record(request, new URL(request.url).searchParams.get('token'));
      return new HttpResponse(null, { status: 200 });
    }),
    http.get(`${api}/users/me/calendarList`, ({ request }) => {
      fake.record(request, null);
      if (!fake.authorized(request)) return unauthenticatedGoogle();
      return HttpResponse.json({
        kind: 'calendar#calendarList',
        items: calendars.map((c) => ({ kind: 'calendar#calendarListEntry', id: c.id, summary: c.summary, accessRole: c.accessRole, primary: c.primary, timeZone: c.timeZone ?? 'Europe/London' })),
      });
    }),
    http.post(`${api}/freeBusy`, async ({ request }) => {
      const body = (await request.json()) as { timeMin: string; timeMax: string; items: { id: string }[] };
      fake.record(request, body);
      if (!fake.authorized(request)) return unauthenticatedGoogle();
      const lo = Date.parse(body.timeMin);
      const hi = Date.parse(body.timeMax);
      return HttpResponse.json({
        kind: 'calendar#freeBusy',
        timeMin: body.timeMin,
        timeMax: body.timeMax,
        calendars: Object.fromEntries(
          body.items.map(({ id }) => {
            const c = calendars.find((x) => x.id === id);
            if (!c) return [id, { errors: [{ domain: 'global', reason: 'notFound' }], busy: [] }];
            return [id, { busy: c.busy.filter((b) => Date.parse(b.end) > lo && Date.parse(b.start) < hi) }];
          }),
        ),
      });
    }),
    http.post(`${api}/calendars/:calendarId/events`, async ({ request, params }) => {
      const body = (await request.json()) as any;
      fake.record(request, body);
      if (!fake.authorized(request)) return unauthenticatedGoogle();
      const key = `${params.calendarId}/${body.id}`;
      if (fake.events.has(key)) return HttpResponse.json({ error: { code: 409, message: 'The requested identifier already exists.' } }, { status: 409 });
      fake.events.set(key, body);
      return HttpResponse.json({ ...body, kind: 'calendar#event', etag: '"1"' });
    }),
    http.put(`${api}/calendars/:calendarId/events/:eventId`, async ({ request, params }) => {
      const body = (await request.json()) as any;
      fake.record(request, body);
      if (!fake.authorized(request)) return unauthenticatedGoogle();
      const key = `${params.calendarId}/${params.eventId}`;
      if (!fake.events.has(key)) return HttpResponse.json({ error: { code: 404, message: 'Not Found' } }, { status: 404 });
      fake.events.set(key, body);
      return HttpResponse.json({ ...body, id: params.eventId, etag: '"2"' });
    }),
    http.delete(`${api}/calendars/:calendarId/events/:eventId`, ({ request, params }) => {
      fake.record(request, null);
      if (!fake.authorized(request)) return unauthenticatedGoogle();
      const key = `${params.calendarId}/${params.eventId}`;
      if (!fake.events.delete(key)) return HttpResponse.json({ error: { code: 410, message: 'Resource has been deleted' } }, { status: 410 });
      return new HttpResponse(null, { status: 204 });
    }),
  ];
}

export interface GraphScheduleItem {
  status: 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';
  start: string;
  end: string;
}

export function microsoftHandlers(fake: FakeOAuthProvider, mailbox: string, items: GraphScheduleItem[], options: { scheduleError?: () => string | undefined } = {}) {
  const graph = 'https://graph.microsoft.com/v1.0';
  const utc = (iso: string) => ({ dateTime: new Date(iso).toISOString().replace('Z', '0000'), timeZone: 'UTC' });
  return [
    http.post('https://login.microsoftonline.com/common/oauth2/v2.0/token', ({ request }) => fake.token(request)),
    http.get(`${graph}/me`, ({ request }) => {
      fake.record(request, null);
      if (!fake.authorized(request)) return unauthenticatedGraph();
      return HttpResponse.json({ '@odata.context': `${graph}/$metadata#users/$entity`, mail: mailbox, userPrincipalName: mailbox });
    }),
    http.post(`${graph}/me/calendar/getSchedule`, async ({ request }) => {
      const body = (await request.json()) as any;
      fake.record(request, body);
      if (!fake.authorized(request)) return unauthenticatedGraph();
      const lo = Date.parse(`${body.startTime.dateTime}Z`);
      const hi = Date.parse(`${body.endTime.dateTime}Z`);
      const error = options.scheduleError?.();
      return HttpResponse.json({
        '@odata.context': `${graph}/$metadata#Collection(microsoft.graph.scheduleInformation)`,
        value: body.schedules.map((scheduleId: string) => ({
          scheduleId,
          availabilityView: '0',
          ...(error
            ? { error: { message: error, responseCode: 'ErrorMailboxNotFound' } }
            : {
                scheduleItems: items
                  .filter((i) => Date.parse(i.end) > lo && Date.parse(i.start) < hi)
                  .map((i) => ({ isPrivate: false, status: i.status, subject: 'x', location: '', start: utc(i.start), end: utc(i.end) })),
                workingHours: { daysOfWeek: ['monday'], startTime: '08:00:00.0000000', endTime: '17:00:00.0000000', timeZone: { name: 'Pacific Standard Time' } },
              }),
        })),
      });
    }),
    http.post(`${graph}/me/events`, async ({ request }) => {
      const body = (await request.json()) as any;
      fake.record(request, body);
      if (!fake.authorized(request)) return unauthenticatedGraph();
      const existing = [...fake.events.entries()].find(([, e]) => e.transactionId === body.transactionId);
      if (existing) return HttpResponse.json({ ...existing[1], id: existing[0] }, { status: 201 });
      const id = `AAMk-${fake.events.size + 1}`;
      fake.events.set(id, body);
      return HttpResponse.json({ ...body, id, changeKey: 'ck1' }, { status: 201 });
    }),
    http.patch(`${graph}/me/events/:id`, async ({ request, params }) => {
      const body = (await request.json()) as any;
      fake.record(request, body);
      if (!fake.authorized(request)) return unauthenticatedGraph();
      const id = String(params.id);
      if (!fake.events.has(id)) return HttpResponse.json({ error: { code: 'ErrorItemNotFound', message: 'The specified object was not found in the store.' } }, { status: 404 });
      fake.events.set(id, { ...fake.events.get(id), ...body });
      return HttpResponse.json({ ...fake.events.get(id), id, changeKey: 'ck2' });
    }),
    http.delete(`${graph}/me/events/:id`, ({ request, params }) => {
      fake.record(request, null);
      if (!fake.authorized(request)) return unauthenticatedGraph();
      fake.events.delete(String(params.id));
      return new HttpResponse(null, { status: 204 });
    }),
  ];
}
