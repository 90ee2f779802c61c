import { createRoute } from '@hono/zod-openapi';
import type { AppDeps } from '../../app.js';
import { createMeetingType, deactivateMeetingType, getMeetingType, listMeetingTypes, updateMeetingType } from '../../bookings/index.js';
import { withTeam } from '../../db/tenant.js';
import { requireApiKey, type ApiEnv } from '../auth.js';
import { bearerAuth, createApiRouter, errorResponses, jsonBody, jsonResponse, locationHeader } from '../openapi.js';
import { MEETINGS_API_BASE } from '../paths.js';
import { presentMeetingType } from '../present.js';
import { MeetingType, MeetingTypeCreateBody, MeetingTypeIdParam, MeetingTypeList, MeetingTypeListQuery, MeetingTypeUpdateBody } from '../schemas.js';

const tags = ['Meeting types'];

const list = createRoute({
  method: 'get',
  path: '/',
  operationId: 'listMeetingTypes',
  tags,
  summary: 'List the team\'s meeting types',
  description: 'The types offered when booking (name, duration, slot interval, buffers, notice, horizon, daily limit, join window), shortest first.',
  security: bearerAuth,
  request: { query: MeetingTypeListQuery },
  responses: { 200: jsonResponse(MeetingTypeList, 'Active meeting types (all with includeInactive=true), shortest first'), ...errorResponses() },
});

const create = createRoute({
  method: 'post',
  path: '/',
  operationId: 'createMeetingType',
  tags,
  summary: 'Create a meeting type',
  description: 'Names are unique within the team. The answer\'s Location header is the new type\'s URL.',
  security: bearerAuth,
  request: { body: jsonBody(MeetingTypeCreateBody) },
  responses: { 201: { ...jsonResponse(MeetingType, 'Created'), headers: locationHeader('The new meeting type') }, ...errorResponses() },
});

const get = createRoute({
  method: 'get',
  path: '/{id}',
  operationId: 'getMeetingType',
  tags,
  summary: 'Get one meeting type',
  description: 'Deactivated types are found too (active: false).',
  security: bearerAuth,
  request: { params: MeetingTypeIdParam },
  responses: { 200: jsonResponse(MeetingType, 'The meeting type'), ...errorResponses(404) },
});

const update = createRoute({
  method: 'patch',
  path: '/{id}',
  operationId: 'updateMeetingType',
  tags,
  summary: 'Change some fields of a meeting type',
  description: 'Fields left out keep their value. Setting "active": true reactivates a deactivated type.',
  security: bearerAuth,
  request: { params: MeetingTypeIdParam, body: jsonBody(MeetingTypeUpdateBody) },
  responses: { 200: jsonResponse(MeetingType, 'The updated meeting type'), ...errorResponses(404) },
});

const deactivate = createRoute({
  method: 'delete',
  path: '/{id}',
  operationId: 'deactivateMeetingType',
  tags,
  summary: 'Deactivate a meeting type',
  description: 'It is no longer offered for new bookings; existing bookings keep it. Nothing is deleted.',
  security: bearerAuth,
  request: { params: MeetingTypeIdParam },
  responses: { 200: jsonResponse(MeetingType, 'The deactivated meeting type'), ...errorResponses(404) },
});

/** /api/meetings/meeting-types */
export function meetingTypesRoutes(deps: AppDeps) {
  const router = createApiRouter<ApiEnv>();
  router.use('*', requireApiKey(deps));

  router.openapi(list, async (c) => {
    const { includeInactive } = c.req.valid('query');
    const types = await withTeam(deps.db, c.var.teamId, (tx) => listMeetingTypes(tx, { includeInactive }));
    return c.json({ meetingTypes: types.map(presentMeetingType) }, 200);
  });

  router.openapi(create, async (c) => {
    const teamId = c.var.teamId;
    const type = await withTeam(deps.db, teamId, (tx) => createMeetingType(tx, teamId, c.req.valid('json')));
    c.header('Location', `${MEETINGS_API_BASE}/meeting-types/${type.id}`);
    return c.json(presentMeetingType(type), 201);
  });

  router.openapi(get, async (c) => {
    const type = await withTeam(deps.db, c.var.teamId, (tx) => getMeetingType(tx, c.req.valid('param').id, { field: 'id' }));
    return c.json(presentMeetingType(type), 200);
  });

  router.openapi(update, async (c) => {
    const type = await withTeam(deps.db, c.var.teamId, (tx) => updateMeetingType(tx, c.req.valid('param').id, c.req.valid('json')));
    return c.json(presentMeetingType(type), 200);
  });

  router.openapi(deactivate, async (c) => {
    const type = await withTeam(deps.db, c.var.teamId, (tx) => deactivateMeetingType(tx, c.req.valid('param').id));
    return c.json(presentMeetingType(type), 200);
  });

  return router;
}
