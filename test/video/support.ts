import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Config } from '../../src/config.js';

export const TWILIO = {
  accountSid: 'AC00000000000000000000000000000001',
  apiKey: 'SK00000000000000000000000000000002',
  apiSecret: 'twilio-api-secret-for-tests',
  authToken: 'twilio-auth-token-for-tests',
  apiUrl: 'https://video.twilio.com',
};

export function testConfig(overrides: { twilio?: Partial<Config['twilio']> | null; publicUrl?: string } = {}): Config {
  return {
    port: 0,
    publicUrl: overrides.publicUrl ?? 'https://meet.example.com',
    dataDir: '/nonexistent',
    linkSecret: 'link-secret-for-tests-0123456789abcdef',
    slack: { apiUrl: 'https://slack.com/api/' },
    twilio: overrides.twilio === null ? { apiUrl: TWILIO.apiUrl } : { ...TWILIO, ...overrides.twilio },
    email: {},
  };
}

export interface TwilioRequest {
  method: string;
  path: string;
  authorization: string | null;
  form: Record<string, string>;
}

export interface FakeTwilioRoom {
  sid: string;
  unique_name: string;
  status: string;
  type?: string;
  status_callback?: string;
  date_created?: string;
  end_time?: string | null;
  duration?: number | null;
}

/**
 * Twilio's Video REST API as msw answers it: POST /v1/Rooms creates a room (or answers 53113 when
 * one of that unique name is in progress); GET /v1/Rooms/<unique name> finds the room of that
 * name, GET /v1/Rooms/<sid> any room; POST /v1/Rooms/<name or sid> with Status=completed ends it
 * (53112 when it is not in progress); GET /v1/Rooms/<sid>/Participants lists `participants`.
 * `rooms` holds the latest room of each unique name, `failWith` makes every call answer that status.
 */
export function fakeTwilio() {
  const rooms = new Map<string, FakeTwilioRoom>();
  const participants = new Map<string, { identity: string; status?: string; start_time?: string }[]>();
  const requests: TwilioRequest[] = [];
  const state = { failWith: 0, sequence: 0, participantsFailWith: 0 };
  const base = TWILIO.apiUrl;
  const find = (nameOrSid: string) => (/^RM[0-9a-f]{32}$/i.test(nameOrSid) ? [...rooms.values()].find((r) => r.sid === nameOrSid) ?? retired.get(nameOrSid) : rooms.get(nameOrSid));
  const retired = new Map<string, FakeTwilioRoom>();
  const failure = () => HttpResponse.json({ code: 20500, message: 'Internal Server Error', status: state.failWith }, { status: state.failWith });
  const notFound = () => HttpResponse.json({ code: 20404, message: 'The requested resource was not found', status: 404 }, { status: 404 });
  const server = setupServer(
    http.post(`${base}/v1/Rooms`, async ({ request }) => {
      const form = Object.fromEntries(new URLSearchParams(await request.text()));
      requests.push({ method: 'POST', path: '/v1/Rooms', authorization: request.headers.get('authorization'), form });
      if (state.failWith) return failure();
      const existing = rooms.get(form.UniqueName!);
      if (existing?.status === 'in-progress') {
        return HttpResponse.json({ code: 53113, message: 'Room exists', more_info: 'https://www.twilio.com/docs/errors/53113', status: 400 }, { status: 400 });
      }
      if (existing) retired.set(existing.sid, existing);
      const room: FakeTwilioRoom = {
        sid: `RM${String(++state.sequence).padStart(32, '0')}`,
        unique_name: form.UniqueName!,
        status: 'in-progress',
        type: form.Type,
        status_callback: form.StatusCallback,
        date_created: new Date().toISOString(),
        end_time: null,
        duration: null,
      };
      rooms.set(room.unique_name, room);
      return HttpResponse.json(room, { status: 201 });
    }),
    http.get(`${base}/v1/Rooms/:room/Participants`, ({ request, params }) => {
      const url = new URL(request.url);
      requests.push({ method: 'GET', path: `/v1/Rooms/${params.room}/Participants${url.search}`, authorization: request.headers.get('authorization'), form: {} });
      if (state.failWith) return failure();
      if (state.participantsFailWith) return HttpResponse.json({ code: 20500, message: 'Internal Server Error' }, { status: state.participantsFailWith });
      const room = find(String(params.room));
      if (!room) return notFound();
      const status = url.searchParams.get('Status');
      const list = (participants.get(room.sid) ?? []).filter((p) => !status || (p.status ?? 'connected') === status);
      return HttpResponse.json({ participants: list.map((p) => ({ room_sid: room.sid, status: 'connected', ...p })), meta: { page: 0, page_size: 50 } });
    }),
    http.get(`${base}/v1/Rooms/:room`, ({ request, params }) => {
      requests.push({ method: 'GET', path: `/v1/Rooms/${params.room}`, authorization: request.headers.get('authorization'), form: {} });
      if (state.failWith) return failure();
      const room = find(String(params.room));
      // By unique name Twilio finds only a room in progress.
      if (!room || (!String(params.room).startsWith('RM') && room.status !== 'in-progress')) return notFound();
      return HttpResponse.json(room);
    }),
    http.post(`${base}/v1/Rooms/:room`, async ({ request, params }) => {
      const form = Object.fromEntries(new URLSearchParams(await request.text()));
      requests.push({ method: 'POST', path: `/v1/Rooms/${params.room}`, authorization: request.headers.get('authorization'), form });
      if (state.failWith) return failure();
      const room = find(String(params.room));
      if (!room) return notFound();
      if (form.Status !== 'completed' || room.status !== 'in-progress') {
        return HttpResponse.json({ code: 53112, message: 'Status is invalid', status: 400 }, { status: 400 });
      }
      room.status = 'completed';
      room.end_time = new Date().toISOString();
      room.duration = Math.round((Date.parse(room.end_time) - Date.parse(room.date_created ?? room.end_time)) / 1000);
      participants.set(room.sid, []);
      return HttpResponse.json(room);
    }),
  );
  return { server, rooms, participants, requests, state };
}

/** The fake Twilio for a test file: listening for the whole file, its failures and extra handlers undone after each test. */
export function useFakeTwilio(): ReturnType<typeof fakeTwilio> {
  const twilio = fakeTwilio();
  beforeAll(() => twilio.server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    twilio.server.resetHandlers();
    twilio.state.failWith = 0;
    twilio.state.participantsFailWith = 0;
  });
  afterAll(() => twilio.server.close());
  return twilio;
}

