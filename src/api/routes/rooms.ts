import { createRoute, z } from '@hono/zod-openapi';
import type { ErrorHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppDeps } from '../../app.js';
import { confirmedJoinWindow, memberIdentity, resolveJoinLink, type MeetingAccess } from '../../video/access.js';
import { LinkError, type LinkErrorCode } from '../../video/links.js';
import { applyRoomCallback, recordRoom } from '../../video/room-store.js';
import { isValidTwilioSignature } from '../../video/twilio-signature.js';
import { MAX_TOKEN_TTL_SECONDS, videoAccessToken } from '../../video/twilio-token.js';
import { VideoServiceError, ensureTwilioRoom, parseRoomUniqueName, roomUniqueName, twilioCredentials } from '../../video/twilio-rooms.js';
import { text } from '../../core/input.js';
import { onApiError, requestIdOf } from '../errors.js';
import { createApiRouter, ErrorSchema, jsonBody, jsonResponse } from '../openapi.js';

const tags = ['Video rooms'];
export const ROOM_EVENTS_PATH = '/api/meetings/rooms/events';
const GUEST_NAME_MAX = 80;
/** Twilio's limit on an identity's length. */
const IDENTITY_MAX = 121;

const TokenRequest = z
  .object({
    k: text().min(1, 'k: the join link token is required').max(2000).meta({ description: 'The token from the join link (?k=...)' }),
    name: text()
      .trim()
      .min(1, 'name: type your name to join')
      .max(GUEST_NAME_MAX, `name: at most ${GUEST_NAME_MAX} characters`)
      .optional()
      .meta({ description: 'Guest links only: the name others see' }),
  })
  .openapi('RoomTokenRequest');

const TokenResponse = z
  .object({
    token: z.string().meta({ description: 'Twilio access token (JWT) with a video grant for this room only' }),
    identity: z.string().meta({ example: 'slack:U0ANA' }),
    displayName: z.string(),
    roomName: z.string().meta({ description: 'The Twilio room unique name to connect to' }),
    expiresAt: z.string().meta({ description: 'When the access token expires (at most an hour)' }),
    names: z.record(z.string(), z.string()).meta({ description: "Display names of the booking's Slack members by identity" }),
  })
  .openapi('RoomToken');

const EventResponse = z.object({ received: z.literal(true), outcome: z.enum(['recorded', 'replay']) }).openapi('RoomEventReceipt');

const errors = (entries: Record<number, string>) =>
  Object.fromEntries(Object.entries(entries).map(([status, description]) => [status, { description, content: { 'application/json': { schema: ErrorSchema } } }]));

const tokenRoute = createRoute({
  method: 'post',
  path: '/{bookingId}/token',
  tags,
  summary: "Join a booking's call: an access token for its Twilio room",
  description:
    'Authenticated by the join link token, not an API key. Checks the link and the join window (by default from 10 minutes ' +
    'before the start until 30 minutes after the end, or longer while the call is going), makes sure the Twilio room exists ' +
    '(created on first join), and returns an access token for that room only, valid for at most an hour.',
  request: { params: z.object({ bookingId: z.string().max(100) }), body: jsonBody(TokenRequest) },
  responses: {
    200: jsonResponse(TokenResponse, 'Connect with this token to roomName'),
    ...errors({
      400: 'Malformed request or join link (link_malformed, invalid_input, name_required)',
      401: 'The link was not signed by us or was altered (link_invalid)',
      403: 'The link is for another booking or someone no longer in it (link_wrong_booking, not_participant)',
      404: 'No such booking (not_found)',
      409: 'The call is not open yet (meeting_not_open); opensAt says when it opens',
      410: 'Cancelled, over, or the link expired (booking_cancelled, meeting_over, link_expired)',
      503: 'The video service is not configured or did not answer; try again (video_unavailable, video_unconfigured)',
    }),
  },
});

const eventsRoute = createRoute({
  method: 'post',
  path: '/events',
  tags,
  summary: "Twilio's room status callbacks",
  description:
    'Form-encoded as Twilio sends them, signed with X-Twilio-Signature (HMAC-SHA1 with the auth token). Records room created, ' +
    'participants joining and leaving, and the room ending with its duration. A replayed callback changes nothing.',
  responses: {
    200: jsonResponse(EventResponse, 'Received'),
    ...errors({ 403: 'Missing or wrong signature (signature_invalid)', 404: 'Not a room of ours (unknown_room)', 503: 'Twilio not configured' }),
  },
});

const linkStatus: Record<LinkErrorCode, { status: ContentfulStatusCode; code: string }> = {
  malformed: { status: 400, code: 'link_malformed' },
  forged: { status: 401, code: 'link_invalid' },
  expired: { status: 410, code: 'link_expired' },
  wrong_booking: { status: 403, code: 'link_wrong_booking' },
  not_participant: { status: 403, code: 'not_participant' },
  not_found: { status: 404, code: 'not_found' },
  cancelled: { status: 410, code: 'booking_cancelled' },
  meeting_over: { status: 410, code: 'meeting_over' },
};

/** A refusal of this resource, answered in the API's error shape (its codes and statuses go beyond ApiError's). */
class RoomError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly field: string | null = null,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'RoomError';
  }
}

const onRoomError: ErrorHandler = (error, c) => {
  if (!(error instanceof RoomError)) return onApiError(error, c);
  for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
  return c.json({ ...error.details, error: { code: error.code, message: error.message, field: error.field, requestId: requestIdOf(c) } }, error.status);
};

/** /api/meetings/rooms: joining a booking's call (token) and Twilio's status callbacks (events). */
export function roomsRoutes(deps: AppDeps) {
  const router = createApiRouter();
  router.onError(onRoomError);
  const now = () => deps.now?.() ?? new Date();

  router.openapi(tokenRoute, async (c) => {
    const { bookingId } = c.req.valid('param');
    const body = c.req.valid('json');
    const at = now();
    let access: MeetingAccess;
    try {
      access = await resolveJoinLink(deps.db, deps.config.linkSecret, bookingId, body.k, at);
    } catch (error) {
      if (!(error instanceof LinkError)) throw error;
      const { status, code } = linkStatus[error.code];
      throw new RoomError(status, code, error.message, 'k');
    }
    const window = await confirmedJoinWindow(access, at, twilioCredentials(deps.config.twilio));
    if (window === 'too_early') {
      throw new RoomError(409, 'meeting_not_open', `The call opens at ${access.opensAt.toISOString()}, ${minutesBefore(access)} minutes before the meeting starts.`, null, {
        opensAt: access.opensAt.toISOString(),
      });
    }
    if (window === 'over') throw new RoomError(410, 'meeting_over', 'This meeting is over, and its call can no longer be joined.');
    if (access.participant.kind === 'guest' && !access.participant.name && !body.name) {
      throw new RoomError(400, 'name_required', 'name: type your name so the others know who joined', 'name');
    }

    const creds = twilioCredentials(deps.config.twilio);
    if (!creds) {
      throw new RoomError(503, 'video_unconfigured', 'The video service is not available on this server yet. Please try again later, or tell the organizer.');
    }
    const uniqueName = roomUniqueName(access.teamId, access.booking.id);
    try {
      const { room } = await ensureTwilioRoom(creds, { uniqueName, statusCallback: `${deps.config.publicUrl}${ROOM_EVENTS_PATH}` });
      await recordRoom(deps.db, access.teamId, access.booking.id, room, at);
    } catch (error) {
      if (!(error instanceof VideoServiceError)) throw error;
      console.warn(`[request ${requestIdOf(c)}] video service unavailable: ${error.message}`);
      throw new RoomError(503, 'video_unavailable', 'The video service did not answer. Please try again in a moment.', null, undefined, { 'Retry-After': '5' });
    }
    const { identity, displayName } =
      access.participant.kind === 'member'
        ? { identity: memberIdentity(access.participant.slackUserId), displayName: access.participant.name }
        : guestIdentity(access.participant.name ?? body.name!);
    const { token, expiresAt } = await videoAccessToken({ ...creds, identity, room: uniqueName, ttlSeconds: MAX_TOKEN_TTL_SECONDS, now: at });
    return c.json({ token, identity, displayName, roomName: uniqueName, expiresAt: expiresAt.toISOString(), names: access.names }, 200);
  });

  router.openapi(eventsRoute, async (c) => {
    const authToken = deps.config.twilio.authToken;
    if (!authToken) throw new RoomError(503, 'video_unconfigured', 'Twilio is not configured on this server (TWILIO_AUTH_TOKEN)');
    const params = Object.fromEntries(new URLSearchParams(await c.req.text()));
    const query = new URL(c.req.url).search;
    const signed = await isValidTwilioSignature(authToken, c.req.header('x-twilio-signature'), [`${deps.config.publicUrl}${ROOM_EVENTS_PATH}${query}`, c.req.url], params);
    if (!signed) throw new RoomError(403, 'signature_invalid', 'X-Twilio-Signature is missing or does not match this request');
    const room = parseRoomUniqueName(params.RoomName ?? '');
    if (!room) throw new RoomError(404, 'unknown_room', `Room ${params.RoomName ?? '(none)'} is not a meeting room of this app`, 'RoomName');
    const applied = await applyRoomCallback(deps.db, { teamId: room.teamId, uniqueName: params.RoomName!, params }, now());
    if (applied.outcome === 'unknown_room') {
      throw new RoomError(404, 'unknown_room', `Room ${params.RoomName} was never opened by this app`, 'RoomName');
    }
    return c.json({ received: true as const, outcome: applied.outcome }, 200);
  });

  return router;
}

function minutesBefore(access: MeetingAccess): number {
  return Math.round((access.booking.startsAt.getTime() - access.opensAt.getTime()) / 60_000);
}

/** "guest:<random>:<name>": the name rides in the identity so every participant can show it. */
function guestIdentity(name: string): { identity: string; displayName: string } {
  const prefix = `guest:${crypto.randomUUID().slice(0, 8)}:`;
  let chars = [...name];
  while (prefix.length + encodeURIComponent(chars.join('')).length > IDENTITY_MAX) chars = chars.slice(0, -1);
  return { identity: prefix + encodeURIComponent(chars.join('')), displayName: name };
}
