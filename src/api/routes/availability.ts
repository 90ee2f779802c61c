import { createRoute } from '@hono/zod-openapi';
import type { AppDeps } from '../../app.js';
import { findSlots, getPerson, getSchedule, replaceSchedule, upsertPerson } from '../../bookings/index.js';
import { calendarsOf } from '../../calendars/service.js';
import { formatIsoInZone } from '../../core/availability/index.js';
import { withTeam } from '../../db/tenant.js';
import { requireApiKey, type ApiEnv } from '../auth.js';
import { bearerAuth, createApiRouter, errorResponses, jsonBody, jsonResponse } from '../openapi.js';
import { presentPerson, presentSchedule, presentSlots } from '../present.js';
import { Person, PersonBody, PersonIdParam, Schedule, ScheduleBody, SlotList, SlotsQuery } from '../schemas.js';

const tags = ['Availability'];
const DAY_MS = 86_400_000;
/** How long the API waits for calendars being read before answering with what was last read (and saying so). */
export const API_CALENDAR_WAIT_MS = 2_500;

const slots = createRoute({
  method: 'get',
  path: '/',
  operationId: 'listFreeSlots',
  tags,
  summary: 'Free slots for one or more hosts',
  description:
    'Slots of the meeting type in [from, to) when every host is free (mode=all) or at least one is (mode=any; each slot lists who). ' +
    'Hours, buffers, minimum notice, booking horizon and daily limits (each type\'s, counting its own meetings, and each host\'s own) all apply, and busy time from the hosts\' connected calendars (one that could not be read in time is listed in unreadCalendars, its busy time as last read used). ' +
    'Within each free stretch (working hours less bookings and buffers) the first slot starts at the stretch\'s start rounded up on the host\'s clock ' +
    'to the largest of 60, 30, 20, 15, 10 or 5 minutes that divides the type\'s slotIntervalMinutes (1 minute if none does), then one every slotIntervalMinutes.',
  security: bearerAuth,
  request: { query: SlotsQuery },
  responses: { 200: jsonResponse(SlotList, 'The free slots, earliest first'), ...errorResponses(404) },
});

const getPersonRoute = createRoute({
  method: 'get',
  path: '/people/{personId}',
  operationId: 'getPerson',
  tags,
  summary: 'Get a person',
  description: 'A member as recorded: name, email and time zone (from Slack, or as registered through this API).',
  security: bearerAuth,
  request: { params: PersonIdParam },
  responses: { 200: jsonResponse(Person, 'The person'), ...errorResponses(404) },
});

const putPerson = createRoute({
  method: 'put',
  path: '/people/{personId}',
  operationId: 'putPerson',
  tags,
  summary: 'Register or update a person',
  description: 'The Slack bot records members as it sees them; an API-only client registers the people it books here.',
  security: bearerAuth,
  request: { params: PersonIdParam, body: jsonBody(PersonBody) },
  responses: { 200: jsonResponse(Person, 'The person as stored'), ...errorResponses() },
});

const getScheduleRoute = createRoute({
  method: 'get',
  path: '/people/{personId}/schedule',
  operationId: 'getSchedule',
  tags,
  summary: 'A person\'s weekly hours, time zone, date overrides and own daily limit',
  description: 'While the person has never set hours, the default (Monday to Friday, 9 to 5 in their zone) with isDefault: true.',
  security: bearerAuth,
  request: { params: PersonIdParam },
  responses: { 200: jsonResponse(Schedule, 'The schedule (the default one while none was set)'), ...errorResponses(404) },
});

const putSchedule = createRoute({
  method: 'put',
  path: '/people/{personId}/schedule',
  operationId: 'putSchedule',
  tags,
  summary: 'Replace a person\'s weekly hours, time zone and date overrides, and set their own daily limit',
  description:
    'Replaces the weekly rules, zone and overrides. dailyLimit is the person\'s own "at most N meetings a day" across all meeting types ' +
    '(each type\'s dailyLimit counts only that type\'s meetings); it is kept when left out and removed with null.',
  security: bearerAuth,
  request: { params: PersonIdParam, body: jsonBody(ScheduleBody) },
  responses: { 200: jsonResponse(Schedule, 'The schedule as stored'), ...errorResponses(404) },
});

/** /api/meetings/availability */
export function availabilityRoutes(deps: AppDeps) {
  const router = createApiRouter<ApiEnv>();
  router.use('*', requireApiKey(deps));

  router.openapi(slots, async (c) => {
    const q = c.req.valid('query');
    const now = deps.now?.() ?? new Date();
    const from = q.from ?? now;
    const to = q.to ?? new Date(from.getTime() + 7 * DAY_MS);
    const timeZone = q.timeZone ?? 'UTC';
    const calendars = await calendarsOf(deps).busyFor(c.var.teamId, q.hostIds, from, to, { waitMs: API_CALENDAR_WAIT_MS });
    const result = await withTeam(
      deps.db,
      c.var.teamId,
      (tx) => findSlots(tx, { meetingTypeId: q.meetingTypeId, hostIds: q.hostIds, from, to, mode: q.mode, now, external: calendars.busy, last: true }),
      { genericPlans: true },
    );
    return c.json(
      {
        meetingType: { id: result.meetingType.id, name: result.meetingType.name, durationMinutes: result.meetingType.durationMinutes },
        mode: q.mode,
        timeZone,
        from: formatIsoInZone(from, timeZone),
        to: formatIsoInZone(to, timeZone),
        fromUtc: from.toISOString(),
        toUtc: to.toISOString(),
        slots: presentSlots(result.slots, timeZone),
        unreadCalendars: calendars.unread.map((u) => ({ personId: u.personId, calendarId: u.calendarId, calendar: u.calendarName, provider: u.provider, reason: u.reason })),
      },
      200,
    );
  });

  router.openapi(getPersonRoute, async (c) => {
    const person = await withTeam(deps.db, c.var.teamId, (tx) => getPerson(tx, c.req.valid('param').personId, 'personId'));
    return c.json(presentPerson(person), 200);
  });

  router.openapi(putPerson, async (c) => {
    const teamId = c.var.teamId;
    const { personId } = c.req.valid('param');
    const person = await withTeam(deps.db, teamId, (tx) => upsertPerson(tx, teamId, { slackUserId: personId, ...c.req.valid('json') }));
    return c.json(presentPerson(person), 200);
  });

  router.openapi(getScheduleRoute, async (c) => {
    const { isDefault, ...schedule } = await withTeam(deps.db, c.var.teamId, (tx) => getSchedule(tx, c.req.valid('param').personId));
    return c.json(presentSchedule(schedule, isDefault), 200);
  });

  router.openapi(putSchedule, async (c) => {
    const teamId = c.var.teamId;
    const schedule = await withTeam(deps.db, teamId, (tx) => replaceSchedule(tx, teamId, c.req.valid('param').personId, c.req.valid('json')));
    return c.json(presentSchedule(schedule, false), 200);
  });

  return router;
}
