import { createRoute } from '@hono/zod-openapi';
import type { AppDeps } from '../../app.js';
import { bookingLinkUrl, createBookingLink, freeSlug, getBookingLink, getMeetingType, listBookingLinks, setBookingLinkActive, updateBookingLink, type BookingLink as BookingLinkRecord } from '../../bookings/index.js';
import { withTeam } from '../../db/tenant.js';
import { requireApiKey, type ApiEnv } from '../auth.js';
import { bearerAuth, createApiRouter, errorResponses, jsonBody, jsonResponse, locationHeader } from '../openapi.js';
import { MEETINGS_API_BASE } from '../paths.js';
import { BookingLink, BookingLinkCreateBody, BookingLinkIdParam, BookingLinkList, BookingLinkListQuery, BookingLinkUpdateBody } from '../schemas.js';

const tags = ['Booking links'];

const list = createRoute({
  operationId: 'listBookingLinks',
  method: 'get',
  path: '/',
  tags,
  summary: 'List the team\'s booking links',
  description: 'Each with its public address, hosts, mode (one, all, any), questions and Slack channel. Turned-off links are left out unless includeInactive=true.',
  security: bearerAuth,
  request: { query: BookingLinkListQuery },
  responses: { 200: jsonResponse(BookingLinkList, 'Links that are on (all with includeInactive=true), oldest first'), ...errorResponses() },
});

const create = createRoute({
  operationId: 'createBookingLink',
  method: 'post',
  path: '/',
  tags,
  summary: 'Publish a meeting type as a public booking page',
  description: 'The page is at PUBLIC_URL/book/<team>/<slug>. Its hosts must be known people (registered through the availability API or seen in Slack).',
  security: bearerAuth,
  request: { body: jsonBody(BookingLinkCreateBody) },
  responses: { 201: { ...jsonResponse(BookingLink, 'Published'), headers: locationHeader('The new booking link') }, ...errorResponses(404) },
});

const get = createRoute({
  operationId: 'getBookingLink',
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'Get one booking link',
  description: 'Its settings and its public address (PUBLIC_URL/book/<team>/<slug>), whether it is on or off.',
  security: bearerAuth,
  request: { params: BookingLinkIdParam },
  responses: { 200: jsonResponse(BookingLink, 'The booking link'), ...errorResponses(404) },
});

const update = createRoute({
  operationId: 'updateBookingLink',
  method: 'patch',
  path: '/{id}',
  tags,
  summary: 'Change some settings of a booking link',
  description: 'Fields left out keep their value. "active": false turns the page off at once (visitors see that it is not available); true turns it on again.',
  security: bearerAuth,
  request: { params: BookingLinkIdParam, body: jsonBody(BookingLinkUpdateBody) },
  responses: { 200: jsonResponse(BookingLink, 'The updated link'), ...errorResponses(404) },
});

const turnOff = createRoute({
  operationId: 'turnOffBookingLink',
  method: 'delete',
  path: '/{id}',
  tags,
  summary: 'Turn a booking link off',
  description: 'Its page answers 404 from now on; meetings already booked through it stand. Nothing is deleted: PATCH "active": true turns it on again.',
  security: bearerAuth,
  request: { params: BookingLinkIdParam },
  responses: { 200: jsonResponse(BookingLink, 'The link, turned off'), ...errorResponses(404) },
});

/** /api/meetings/booking-links */
export function bookingLinksRoutes(deps: AppDeps) {
  const router = createApiRouter<ApiEnv>();
  router.use('*', requireApiKey(deps));
  const present = (teamId: string, link: BookingLinkRecord) => ({
    id: link.id,
    slug: link.slug,
    url: bookingLinkUrl(deps.config, teamId, link.slug),
    meetingTypeId: link.meetingTypeId,
    title: link.title,
    description: link.description,
    mode: link.mode,
    hostIds: link.hostIds,
    askNotes: link.askNotes,
    questions: link.questions,
    slackChannelId: link.slackChannelId,
    active: link.active,
    createdBy: link.createdBy,
    createdAt: link.createdAt.toISOString(),
    updatedAt: link.updatedAt.toISOString(),
  });

  router.openapi(list, async (c) => {
    const query = c.req.valid('query');
    const links = await withTeam(deps.db, c.var.teamId, (tx) => listBookingLinks(tx, query));
    return c.json({ bookingLinks: links.map((l) => present(c.var.teamId, l)) }, 200);
  });

  router.openapi(create, async (c) => {
    const teamId = c.var.teamId;
    const body = c.req.valid('json');
    const link = await withTeam(deps.db, teamId, async (tx) => {
      const slug = body.slug ?? (await freeSlug(tx, body.title ?? (await getMeetingType(tx, body.meetingTypeId, { field: 'meetingTypeId' })).name));
      return createBookingLink(tx, teamId, { ...body, slug }, `api-key:${c.var.apiKey.prefix}`);
    });
    c.header('Location', `${MEETINGS_API_BASE}/booking-links/${link.id}`);
    return c.json(present(teamId, link), 201);
  });

  router.openapi(get, async (c) => {
    const link = await withTeam(deps.db, c.var.teamId, (tx) => getBookingLink(tx, c.req.valid('param').id));
    return c.json(present(c.var.teamId, link), 200);
  });

  router.openapi(update, async (c) => {
    const link = await withTeam(deps.db, c.var.teamId, (tx) => updateBookingLink(tx, c.req.valid('param').id, c.req.valid('json') as Record<string, unknown>));
    return c.json(present(c.var.teamId, link), 200);
  });

  router.openapi(turnOff, async (c) => {
    const link = await withTeam(deps.db, c.var.teamId, (tx) => setBookingLinkActive(tx, c.req.valid('param').id, false));
    return c.json(present(c.var.teamId, link), 200);
  });

  return router;
}
