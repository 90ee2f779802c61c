import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
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

/**
 * Twilio's Video REST API as msw answers it: rooms by unique name; POST creates one (or answers
 * 53113 when one of that name is in progress); GET /v1/Rooms/<unique name> finds it. `failWith`
 * makes every call answer that status.
 */
export function fakeTwilio() {
  const rooms = new Map<string, { sid: string; unique_name: string; status: string }>();
  const requests: TwilioRequest[] = [];
  const state = { failWith: 0, sequence: 0 };
  const base = TWILIO.apiUrl;
  const server = setupServer(
    http.post(`${base}/v1/Rooms`, async ({ request }) => {
      const form = Object.fromEntries(new URLSearchParams(await request.text()));
      requests.push({ method: 'POST', path: '/v1/Rooms', authorization: request.headers.get('authorization'), form });
      if (state.failWith) return HttpResponse.json({ code: 20500, message: 'Internal Server Error', status: state.failWith }, { status: state.failWith });
      const existing = rooms.get(form.UniqueName!);
      if (existing) {
        return HttpResponse.json({ code: 53113, message: 'Room exists', more_info: 'https://www.twilio.com/docs/errors/53113', status: 400 }, { status: 400 });
      }
      const room = { sid: `RM${String(++state.sequence).padStart(32, '0')}`, unique_name: form.UniqueName!, status: 'in-progress', type: form.Type, status_callback: form.StatusCallback };
      rooms.set(room.unique_name, room);
      return HttpResponse.json(room, { status: 201 });
    }),
    http.get(`${base}/v1/Rooms/:name`, ({ request, params }) => {
      requests.push({ method: 'GET', path: `/v1/Rooms/${params.name}`, authorization: request.headers.get('authorization'), form: {} });
      if (state.failWith) return HttpResponse.json({ code: 20500, message: 'Internal Server Error', status: state.failWith }, { status: state.failWith });
      const room = rooms.get(String(params.name));
      if (!room) return HttpResponse.json({ code: 20404, message: 'Not found', status: 404 }, { status: 404 });
      return HttpResponse.json(room);
    }),
  );
  return { server, rooms, requests, state };
}
