import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app.js';
import { EVENT_KINDS } from '../../events/outbox.js';
import { getDelivery, listDeliveries, recoverFailed, redeliver, WebhookStateError, type WebhookAttemptView, type WebhookDeliveryView } from '../../webhooks/deliveries.js';
import {
  createEndpoint,
  createEndpointSchema,
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  MAX_ENDPOINTS_PER_TEAM,
  rotateEndpointSecret,
  updateEndpoint,
  updateEndpointSchema,
  type WebhookEndpoint as EndpointRecord,
} from '../../webhooks/endpoints.js';
import { WebhookSender } from '../../webhooks/sender.js';
import { requireApiKey, type ApiEnv } from '../auth.js';
import { ApiError } from '../errors.js';
import { bearerAuth, createApiRouter, errorResponses, jsonBody, jsonResponse, locationHeader } from '../openapi.js';
import { MEETINGS_API_BASE } from '../paths.js';
import { INSTANT_RANGE_DOC, IsoUtc } from '../schemas.js';
import { INSTANT_RANGE_MESSAGE, isInstantInRange, text } from '../../core/input.js';

const tags = ['Webhooks'];
const EventType = z.enum(EVENT_KINDS);

const Endpoint = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(EventType),
    status: z.enum(['enabled', 'disabled']),
    disabledAt: IsoUtc.nullable(),
    disabledReason: z.string().nullable().meta({ description: 'Why it was disabled (by hand, or after failing for about a day)' }),
    failingSince: IsoUtc.nullable().meta({ description: 'Its first failed attempt since it last succeeded; null while it is healthy' }),
    createdBy: z.object({ kind: z.enum(['api_key', 'slack']), id: z.string().meta({ description: 'The API key\'s id, or the Slack member\'s' }) }),
    notifySlackUserId: z.string().nullable().meta({ description: 'Who is told in Slack when it is disabled' }),
    createdAt: IsoUtc,
    updatedAt: IsoUtc,
  })
  .openapi('WebhookEndpoint');

const EndpointWithSecret = z
  .object({
    endpoint: Endpoint,
    secret: z.string().meta({ description: 'The signing secret (whsec_...): shown only now. Verify each request with it (Standard Webhooks).', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }),
  })
  .openapi('WebhookEndpointWithSecret');

const EndpointList = z.object({ endpoints: z.array(Endpoint) }).openapi('WebhookEndpointList');

const Attempt = z
  .object({
    trigger: z.enum(['scheduled', 'manual', 'test']).meta({ description: 'scheduled: the retry schedule; manual: a redelivery asked for; test: a test message' }),
    startedAt: IsoUtc,
    durationMs: z.int(),
    statusCode: z.int().nullable().meta({ description: 'The HTTP status the endpoint answered; null when it could not be reached' }),
    responseSnippet: z.string().nullable().meta({ description: 'The start of its answer (at most 1 KB)' }),
    error: z.string().nullable(),
    succeeded: z.boolean(),
  })
  .openapi('WebhookAttempt');

const Delivery = z
  .object({
    id: z.uuid(),
    endpointId: z.uuid(),
    eventId: z.int().nullable().meta({ description: 'The booking event it carries (see /events); null for a test message' }),
    messageId: z.string().meta({ description: 'The webhook-id header: the same on every attempt', example: 'msg_42' }),
    eventType: z.string().meta({ example: 'booking.created' }),
    status: z.enum(['pending', 'delivered', 'failed']).meta({ description: 'pending: waiting for its next attempt; failed: gave up (redeliver to try again)' }),
    attempts: z.int().meta({ description: 'Attempts in the current round' }),
    nextAttemptAt: IsoUtc.nullable(),
    lastStatusCode: z.int().nullable(),
    lastError: z.string().nullable(),
    deliveredAt: IsoUtc.nullable(),
    createdAt: IsoUtc,
  })
  .openapi('WebhookDelivery');

const DeliveryDetail = Delivery.extend({
  payload: z.record(z.string(), z.unknown()).meta({ description: 'The JSON body sent (type, timestamp, data)' }),
  attemptLog: z.array(Attempt).meta({ description: 'Every attempt, newest first (the last 100)' }),
}).openapi('WebhookDeliveryDetail');

const DeliveryPage = z
  .object({ deliveries: z.array(Delivery), nextCursor: z.string().nullable().meta({ description: 'Pass as cursor for the next (older) page; null on the last' }) })
  .openapi('WebhookDeliveryPage');

const TestResult = z.object({ delivery: Delivery, attempt: Attempt }).openapi('WebhookTestResult');
const Recovered = z.object({ redelivering: z.int().meta({ description: 'Failed deliveries made due again' }) }).openapi('WebhookRecoverResult');

const IdParam = (what: string) => z.object({ id: z.uuid(`must be ${what} id`).meta({ param: { name: 'id', in: 'path' } }) });
const EndpointIdParam = IdParam('a webhook endpoint');
const DeliveryIdParam = IdParam('a webhook delivery');

const DeliveryListQuery = z.object({
  endpointId: z.uuid('must be a webhook endpoint id').optional(),
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
  eventId: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional().meta({ description: 'Only deliveries of this booking event' }),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: text().max(200).optional().meta({ description: 'nextCursor of the previous page' }),
});

const RecoverBody = z
  .object({
    since: z.iso
      .datetime({ offset: true, error: 'must be an ISO 8601 date-time with Z or an offset' })
      .refine((v) => isInstantInRange(new Date(v)), INSTANT_RANGE_MESSAGE)
      .transform((v) => new Date(v))
      .meta({ description: `Failed deliveries made from this instant on are sent again, ${INSTANT_RANGE_DOC}`, example: '2027-03-01T00:00:00Z' }),
  })
  .strict()
  .openapi('WebhookRecoverInput');

const endpointErrors = errorResponses(404);
const conflict = { 409: jsonResponse(z.object({ error: z.object({ code: z.string(), message: z.string(), field: z.string().nullable(), requestId: z.string() }) }), 'The endpoint is disabled (endpoint_disabled), or the delivery is being sent right now (delivery_in_progress)') };

const listEndpointsRoute = createRoute({
  method: 'get',
  path: '/endpoints',
  operationId: 'listWebhookEndpoints',
  tags,
  summary: 'List the team\'s webhook endpoints',
  description: 'Newest first, with their state (enabled, failing, disabled and why). Secrets are never listed.',
  security: bearerAuth,
  responses: { 200: jsonResponse(EndpointList, 'The endpoints'), ...errorResponses() },
});

const createEndpointRoute = createRoute({
  method: 'post',
  path: '/endpoints',
  operationId: 'createWebhookEndpoint',
  tags,
  summary: 'Register a webhook endpoint',
  description:
    `Booking events (${EVENT_KINDS.join(', ')}) are POSTed to the URL as JSON, signed per Standard Webhooks with the secret in this answer (shown once). ` +
    `A failing endpoint is retried with exponential backoff for about a day, then disabled, and notifySlackUserId is told in Slack. At most ${MAX_ENDPOINTS_PER_TEAM} per team.`,
  security: bearerAuth,
  request: { body: jsonBody(createEndpointSchema.meta({ description: 'Where to send, what for, which events (all when left out), and whom to tell in Slack if it is disabled' }).openapi('WebhookEndpointCreate')) },
  responses: { 201: { ...jsonResponse(EndpointWithSecret, 'Registered'), headers: locationHeader('The new endpoint') }, ...errorResponses() },
});

const getEndpointRoute = createRoute({
  method: 'get',
  path: '/endpoints/{id}',
  operationId: 'getWebhookEndpoint',
  tags,
  summary: 'Get a webhook endpoint',
  description: 'Its address, events, state and owner (never its secret).',
  security: bearerAuth,
  request: { params: EndpointIdParam },
  responses: { 200: jsonResponse(Endpoint, 'The endpoint'), ...endpointErrors },
});

const updateEndpointRoute = createRoute({
  method: 'patch',
  path: '/endpoints/{id}',
  operationId: 'updateWebhookEndpoint',
  tags,
  summary: 'Change a webhook endpoint, or disable or enable it',
  description:
    'Fields left out keep their value. "enabled": false stops deliveries (those waiting are given up); "enabled": true turns it back on and forgets its failures ' +
    '(send what it missed again with recover).',
  security: bearerAuth,
  request: { params: EndpointIdParam, body: jsonBody(updateEndpointSchema.meta({ description: 'Only the fields sent change' }).openapi('WebhookEndpointUpdate')) },
  responses: { 200: jsonResponse(Endpoint, 'The endpoint as changed'), ...endpointErrors },
});

const deleteEndpointRoute = createRoute({
  method: 'delete',
  path: '/endpoints/{id}',
  operationId: 'deleteWebhookEndpoint',
  tags,
  summary: 'Delete a webhook endpoint and its delivery log',
  description: 'Nothing more is sent to it; its deliveries and their attempts are deleted with it.',
  security: bearerAuth,
  request: { params: EndpointIdParam },
  responses: { 204: { description: 'Deleted' }, ...endpointErrors },
});

const rotateRoute = createRoute({
  method: 'post',
  path: '/endpoints/{id}/rotate-secret',
  operationId: 'rotateWebhookEndpointSecret',
  tags,
  summary: 'Give a webhook endpoint a new signing secret',
  description: 'The new secret (shown only now) signs every request from now on; the old one stops at once.',
  security: bearerAuth,
  request: { params: EndpointIdParam },
  responses: { 200: jsonResponse(EndpointWithSecret, 'The new secret'), ...endpointErrors },
});

const testRoute = createRoute({
  method: 'post',
  path: '/endpoints/{id}/test',
  operationId: 'testWebhookEndpoint',
  tags,
  summary: 'Send a signed test message to an endpoint now',
  description:
    'A webhook.test message, signed like any other, sent at once and tried once (no retries), even to a disabled endpoint. The answer says what the endpoint replied; the attempt is in the delivery log too.',
  security: bearerAuth,
  request: { params: EndpointIdParam },
  responses: { 200: jsonResponse(TestResult, 'What the endpoint answered'), ...endpointErrors },
});

const recoverRoute = createRoute({
  method: 'post',
  path: '/endpoints/{id}/recover',
  operationId: 'recoverWebhookEndpoint',
  tags,
  summary: 'Send an endpoint\'s failed deliveries again',
  description: 'After an outage: every delivery to this endpoint that failed and was made since `since` is made due now, with a fresh round of retries. The endpoint must be enabled.',
  security: bearerAuth,
  request: { params: EndpointIdParam, body: jsonBody(RecoverBody) },
  responses: { 202: jsonResponse(Recovered, 'Made due again'), ...endpointErrors, ...conflict },
});

const listDeliveriesRoute = createRoute({
  method: 'get',
  path: '/deliveries',
  operationId: 'listWebhookDeliveries',
  tags,
  summary: 'The delivery log',
  description: 'Every message to every endpoint, newest first: its status, attempts, the last status code and error, and when it is tried next.',
  security: bearerAuth,
  request: { query: DeliveryListQuery },
  responses: { 200: jsonResponse(DeliveryPage, 'One page of deliveries'), ...errorResponses() },
});

const getDeliveryRoute = createRoute({
  method: 'get',
  path: '/deliveries/{id}',
  operationId: 'getWebhookDelivery',
  tags,
  summary: 'One delivery, with its body and every attempt',
  description: 'The JSON body as sent and each attempt: when, how long, the status code, the start of the answer, the error.',
  security: bearerAuth,
  request: { params: DeliveryIdParam },
  responses: { 200: jsonResponse(DeliveryDetail, 'The delivery'), ...errorResponses(404) },
});

const redeliverRoute = createRoute({
  method: 'post',
  path: '/deliveries/{id}/redeliver',
  operationId: 'redeliverWebhookDelivery',
  tags,
  summary: 'Send a delivery again',
  description: 'Delivered, failed or waiting: it is made due now with the same webhook-id and body and a fresh round of retries. Its endpoint must be enabled.',
  security: bearerAuth,
  request: { params: DeliveryIdParam },
  responses: { 202: jsonResponse(Delivery, 'Due now'), ...errorResponses(404), ...conflict },
});

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function presentEndpoint(e: EndpointRecord): z.infer<typeof Endpoint> {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    eventTypes: e.eventTypes,
    status: e.status,
    disabledAt: iso(e.disabledAt),
    disabledReason: e.disabledReason,
    failingSince: iso(e.failingSince),
    createdBy: e.createdBy,
    notifySlackUserId: e.notifySlackUserId,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

function presentDelivery(d: WebhookDeliveryView): z.infer<typeof Delivery> {
  return {
    id: d.id,
    endpointId: d.endpointId,
    eventId: d.eventId,
    messageId: d.messageId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: iso(d.nextAttemptAt),
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    deliveredAt: iso(d.deliveredAt),
    createdAt: d.createdAt.toISOString(),
  };
}

function presentAttempt(a: WebhookAttemptView): z.infer<typeof Attempt> {
  return { ...a, startedAt: a.startedAt.toISOString() };
}

async function stateful<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof WebhookStateError) throw new ApiError(409, error.code, error.message);
    throw error;
  }
}

/** /api/meetings/webhooks: endpoints (register, change, test, recover) and the delivery log (list, inspect, redeliver). */
export function webhooksRoutes(deps: AppDeps) {
  const router = createApiRouter<ApiEnv>();
  router.use('*', requireApiKey(deps));
  const sender = new WebhookSender(deps.db);
  const now = () => deps.now?.() ?? new Date();

  router.openapi(listEndpointsRoute, async (c) => c.json({ endpoints: (await listEndpoints(deps.db, c.var.teamId)).map(presentEndpoint) }, 200));

  router.openapi(createEndpointRoute, async (c) => {
    const created = await createEndpoint(deps.db, c.var.teamId, c.req.valid('json'), { kind: 'api_key', id: c.var.apiKey.id });
    c.header('Location', `${MEETINGS_API_BASE}/webhooks/endpoints/${created.endpoint.id}`);
    return c.json({ endpoint: presentEndpoint(created.endpoint), secret: created.secret }, 201);
  });

  router.openapi(getEndpointRoute, async (c) => c.json(presentEndpoint(await getEndpoint(deps.db, c.var.teamId, c.req.valid('param').id)), 200));

  router.openapi(updateEndpointRoute, async (c) =>
    c.json(presentEndpoint(await updateEndpoint(deps.db, c.var.teamId, c.req.valid('param').id, c.req.valid('json'), now())), 200),
  );

  router.openapi(deleteEndpointRoute, async (c) => {
    await deleteEndpoint(deps.db, c.var.teamId, c.req.valid('param').id);
    return c.body(null, 204);
  });

  router.openapi(rotateRoute, async (c) => {
    const rotated = await rotateEndpointSecret(deps.db, c.var.teamId, c.req.valid('param').id, now());
    return c.json({ endpoint: presentEndpoint(rotated.endpoint), secret: rotated.secret }, 200);
  });

  router.openapi(testRoute, async (c) => {
    const { id } = c.req.valid('param');
    await getEndpoint(deps.db, c.var.teamId, id);
    const result = await sender.sendTest(c.var.teamId, id);
    if (!result) throw new ApiError(404, 'not_found', `Webhook endpoint ${id} was not found`, 'id');
    return c.json({ delivery: presentDelivery(result.delivery), attempt: presentAttempt(result.attempt) }, 200);
  });

  router.openapi(recoverRoute, async (c) => {
    const count = await stateful(recoverFailed(deps.db, c.var.teamId, c.req.valid('param').id, c.req.valid('json').since));
    return c.json({ redelivering: count }, 202);
  });

  router.openapi(listDeliveriesRoute, async (c) => {
    const page = await listDeliveries(deps.db, c.var.teamId, c.req.valid('query'));
    return c.json({ deliveries: page.deliveries.map(presentDelivery), nextCursor: page.nextCursor }, 200);
  });

  router.openapi(getDeliveryRoute, async (c) => {
    const delivery = await getDelivery(deps.db, c.var.teamId, c.req.valid('param').id);
    return c.json({ ...presentDelivery(delivery), payload: delivery.payload ?? {}, attemptLog: (delivery.attemptLog ?? []).map(presentAttempt) }, 200);
  });

  router.openapi(redeliverRoute, async (c) => {
    const delivery = await stateful(redeliver(deps.db, c.var.teamId, c.req.valid('param').id));
    return c.json(presentDelivery(delivery), 202);
  });

  return router;
}
