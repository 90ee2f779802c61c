import { createRoute, z } from '@hono/zod-openapi';
import type { ErrorHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppDeps } from '../../app.js';
import {
  decideJoin,
  meetingRoomKey,
  meetingRoomName,
  memberIdentity,
  participantName,
  resolveJoinLink,
  type MeetingAccess,
} from '../../video/access.js';
import { LinkError, type LinkErrorCode } from '../../video/links.js';
import { settleEndedRoom } from '../../video/room-lifecycle.js';
import { applyRoomCallback, recordedParticipants, recordRoom } from '../../video/room-store.js';
import { isValidTwilioSignature } from '../../video/twilio-signature.js';
import { MAX_TOKEN_TTL_SECONDS, videoAccessToken } from '../../video/twilio-token.js';
import { withTeam } from '../../db/tenant.js';
import { VideoServiceError, ensureTwilioRoom, listTwilioParticipants, parseRoomUniqueName, twilioCredentials } from '../../video/twilio-rooms.js';
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
    device: z
      .string()
      .regex(/^[A-Za-z0-9]{4,16}$/, 'device: 4 to 16 letters and digits')
      .optional()
      .meta({
        description:
          'A short id of the joining device or window (the call page keeps one per tab). A member joining from two devices gets a distinct identity on each, so neither pushes the other out.',
      }),
  })
  .openapi('RoomTokenRequest');

const TokenResponse = z
  .object({
    token: z.string().meta({ description: 'Twilio access token (JWT) with a video grant for this room only' }),
    identity: z.string().meta({ example: 'slack:U0ANA:a1b2c3d4', description: 'slack:<member>[:<device>] or guest:<random>:<name>' }),
    displayName: z.string(),
    roomName: z.string().meta({ description: 'The Twilio room unique name to connect to' }),
    expiresAt: z.string().meta({ description: 'When the access token expires (at most an hour)' }),
    names: z.record(z.string(), z.string()).meta({ description: "Display names of the booking's Slack members by identity (slack:<member>)" }),
    callStartedAt: z.string().nullable().meta({ description: 'When the call started (its first participant joined), if it has' }),
  })
  .openapi('RoomToken');

const StatusRequest = z
  .object({
    k: z.string().min(1, 'k: the join link token is required').max(2000).meta({ description: 'The token from the join link (?k=...)' }),
    participants: z.boolean().default(true).meta({ description: 'Whether to list who is in the call now (asks Twilio)' }),
  })
  .openapi('RoomStatusRequest');

const StatusResponse = z
  .object({
    meeting: z.object({
      status: z.enum(['confirmed', 'cancelled']),
      title: z.string(),
      startsAt: z.string(),
      endsAt: z.string(),
      opensAt: z.string(),
      closesAt: z.string(),
      window: z.enum(['open', 'too_early', 'over']).meta({ description: 'The scheduled join window now (a call still going can be joined after it)' }),
      cancelledAt: z.string().nullable(),
      cancelReason: z.string().nullable(),
    }),
    call: z.object({
      status: z.enum(['not_started', 'in-progress', 'ended']),
      startedAt: z.string().nullable(),
      participants: z
        .array(z.object({ identity: z.string(), name: z.string() }))
        .nullable()
        .meta({ description: 'Who is connected now; null when not asked for' }),
      participantsFrom: z.enum(['twilio', 'recorded']).nullable().meta({ description: "Twilio's participants API, or our record of its callbacks when Twilio did not answer" }),
    }),
    serverNow: z.string(),
  })
  .openapi('RoomStatus');

const EventResponse = z.object({ received: z.literal(true), outcome: z.enum(['recorded', 'replay']) }).openapi('RoomEventReceipt');

const errors = (entries: Record<number, string>) =>
  Object.fromEntries(Object.entries(entries).map(([status, description]) => [status, { description, content: { 'application/json': { schema: ErrorSchema } } }]));

const tokenRoute = createRoute({
  method: 'post',
  path: '/{bookingId}/token',
  operationId: 'createRoomToken',
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

const statusRoute = createRoute({
  method: 'post',
  path: '/{bookingId}/status',
  operationId: 'getRoomStatus',
  tags,
  summary: "What became of a join link's meeting, and who is in its call",
  description:
    'Authenticated by the join link token. The meeting as it stands now (after any reschedule, or cancelled), its join window, ' +
    "and the call: whether it is going on and who is connected (from Twilio's participants API, or from the recorded status " +
    'callbacks when Twilio does not answer). The call page asks before joining (who is already there), while in the call (a ' +
    'moved meeting) and when it is disconnected (a cancelled meeting).',
  request: { params: z.object({ bookingId: z.string().max(100) }), body: jsonBody(StatusRequest) },
  responses: {
    200: jsonResponse(StatusResponse, 'The meeting and its call'),
    ...errors({
      400: 'Malformed request or join link (link_malformed, invalid_input)',
      401: 'The link was not signed by us or was altered (link_invalid)',
      403: 'The link is for another booking or someone no longer in it (link_wrong_booking, not_participant)',
      404: 'No such booking (not_found)',
      410: 'The link expired (link_expired)',
    }),
  },
});

const eventsRoute = createRoute({
  method: 'post',
  path: '/events',
  operationId: 'receiveTwilioRoomEvent',
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

  const resolve = async (bookingId: string, k: string, at: Date, options?: { allowCancelled?: boolean }) => {
    try {
      return await resolveJoinLink(deps.db, deps.config.linkSecret, bookingId, k, at, options);
    } catch (error) {
      if (!(error instanceof LinkError)) throw error;
      const { status, code } = linkStatus[error.code];
      throw new RoomError(status, code, error.message, 'k');
    }
  };

  router.openapi(tokenRoute, async (c) => {
    const { bookingId } = c.req.valid('param');
    const body = c.req.valid('json');
    const at = now();
    const access = await resolve(bookingId, body.k, at);
    const creds = twilioCredentials(deps.config.twilio);
    const decision = await decideJoin(access, at, creds);
    if (decision.window !== 'open') {
      // Recorded with its meeting.ended event, which tells Slack.
      if (decision.endedRoom) await settleEndedRoom(deps.db, access.teamId, decision.endedRoom, at);
      if (decision.window === 'too_early') {
        throw new RoomError(409, 'meeting_not_open', `The call opens at ${access.opensAt.toISOString()}, ${minutesBefore(access)} minutes before the meeting starts.`, null, {
          opensAt: access.opensAt.toISOString(),
        });
      }
      throw new RoomError(410, 'meeting_over', 'This meeting is over, and its call can no longer be joined.');
    }
    if (access.participant.kind === 'guest' && !access.participant.name && !body.name) {
      throw new RoomError(400, 'name_required', 'name: type your name so the others know who joined', 'name');
    }

    if (!creds) {
      throw new RoomError(503, 'video_unconfigured', 'The video service is not available on this server yet. Please try again later, or tell the organizer.');
    }
    const uniqueName = meetingRoomName(access);
    let startedAt = access.room?.status === 'in-progress' ? access.room.startedAt : null;
    try {
      // Outside the scheduled window only the call still going may be joined: never a new room.
      const room = decision.createRoom ? (await ensureTwilioRoom(creds, { uniqueName, statusCallback: `${deps.config.publicUrl}${ROOM_EVENTS_PATH}` })).room : decision.liveRoom;
      const row = await recordRoom(deps.db, access.teamId, meetingRoomKey(access), room, at);
      startedAt = row.status === 'in-progress' ? row.startedAt : null;
    } catch (error) {
      if (!(error instanceof VideoServiceError)) throw error;
      console.warn(`[request ${requestIdOf(c)}] video service unavailable: ${error.message}`);
      throw new RoomError(503, 'video_unavailable', 'The video service did not answer. Please try again in a moment.', null, undefined, { 'Retry-After': '5' });
    }
    const { identity, displayName } =
      access.participant.kind === 'member'
        ? { identity: memberIdentity(access.participant.slackUserId, body.device), displayName: access.participant.name }
        : guestIdentity(access.participant.name ?? body.name!);
    const { token, expiresAt } = await videoAccessToken({ ...creds, identity, room: uniqueName, ttlSeconds: MAX_TOKEN_TTL_SECONDS, now: at });
    return c.json(
      { token, identity, displayName, roomName: uniqueName, expiresAt: expiresAt.toISOString(), names: access.names, callStartedAt: startedAt?.toISOString() ?? null },
      200,
    );
  });

  router.openapi(statusRoute, async (c) => {
    const { bookingId } = c.req.valid('param');
    const body = c.req.valid('json');
    const at = now();
    const access = await resolve(bookingId, body.k, at, { allowCancelled: true });
    const { booking, room } = access;
    const cancelled = booking.status === 'cancelled';
    let participants: { identity: string; name: string }[] | null = null;
    let participantsFrom: 'twilio' | 'recorded' | null = null;
    const live = room && (room.status === 'pending' || room.status === 'in-progress');
    if (body.participants && !cancelled) {
      participants = [];
      const creds = twilioCredentials(deps.config.twilio);
      if (live && creds && room.providerRoomId) {
        try {
          participants = (await listTwilioParticipants(creds, room.providerRoomId)).map((p) => ({ identity: p.identity, name: participantName(p.identity, access.names) }));
          participantsFrom = 'twilio';
        } catch (error) {
          console.warn(`[request ${requestIdOf(c)}] Twilio participants unavailable, using recorded events: ${(error as Error).message}`);
        }
      }
      if (live && participantsFrom === null) {
        const identities = await withTeam(deps.db, access.teamId, (tx) => recordedParticipants(tx, room));
        participants = identities.map((identity) => ({ identity, name: participantName(identity, access.names) }));
        participantsFrom = 'recorded';
      }
    }
    const going = participants ? participants.length > 0 : room?.status === 'in-progress';
    const window = at < access.opensAt ? 'too_early' : at > access.closesAt ? 'over' : 'open';
    return c.json(
      {
        meeting: {
          status: booking.status,
          title: booking.title,
          startsAt: booking.startsAt.toISOString(),
          endsAt: booking.endsAt.toISOString(),
          opensAt: access.opensAt.toISOString(),
          closesAt: access.closesAt.toISOString(),
          window,
          cancelledAt: booking.cancelledAt?.toISOString() ?? null,
          cancelReason: booking.cancelReason ?? null,
        },
        call: {
          status: going && !cancelled ? ('in-progress' as const) : room?.status === 'completed' || (cancelled && room) ? ('ended' as const) : ('not_started' as const),
          startedAt: room?.startedAt?.toISOString() ?? null,
          participants,
          participantsFrom,
        },
        serverNow: at.toISOString(),
      },
      200,
    );
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
