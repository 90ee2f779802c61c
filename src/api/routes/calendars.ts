import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app.js';
import { getPerson } from '../../bookings/index.js';
import { connectAccount, connectInputSchema, connectLink } from '../../calendars/connect.js';
import { calendarsOf } from '../../calendars/service.js';
import type { CalendarAccountView } from '../../calendars/store.js';
import { CalendarError } from '../../calendars/types.js';
import { withTeam } from '../../db/tenant.js';
import { requireApiKey, type ApiEnv } from '../auth.js';
import { ApiError } from '../errors.js';
import { bearerAuth, createApiRouter, errorResponses, jsonBody, jsonResponse, locationHeader } from '../openapi.js';
import { MEETINGS_API_BASE } from '../paths.js';
import { PersonIdParam } from '../schemas.js';

const tags = ['Calendars'];

const CalendarSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    timeZone: z.string().nullable(),
    countsAsBusy: z.boolean().meta({ description: 'Its events make the person busy' }),
    allDayBusy: z.boolean().meta({ description: 'Its all-day events count too' }),
    canWrite: z.boolean(),
    addBookings: z.boolean().meta({ description: 'Meetings booked with the person are added to it (one calendar per person)' }),
    readAt: z.string().nullable().meta({ description: 'When its busy time was last read (UTC)' }),
    readError: z.string().nullable().meta({ description: 'Why the last read failed' }),
  })
  .openapi('Calendar');

const AccountSchema = z
  .object({
    id: z.uuid(),
    personId: z.string(),
    provider: z.enum(['caldav', 'ical', 'google', 'microsoft']),
    label: z.string().meta({ example: 'ana@example.com' }),
    status: z.enum(['ok', 'error', 'reconnect']).meta({ description: 'reconnect: access was revoked or the password changed; connect it again' }),
    lastError: z.string().nullable(),
    lastReadAt: z.string().nullable(),
    createdAt: z.string(),
    calendars: z.array(CalendarSchema),
  })
  .openapi('CalendarAccount');

const AccountList = z.object({ accounts: z.array(AccountSchema) }).openapi('CalendarAccountList');
const AccountIdParam = PersonIdParam.extend({ accountId: z.uuid('must be a calendar account id').meta({ param: { name: 'accountId', in: 'path' } }) });
const CalendarIdParam = PersonIdParam.extend({ calendarId: z.uuid('must be a calendar id').meta({ param: { name: 'calendarId', in: 'path' } }) });

const ConnectBody = connectInputSchema;
const AuthorizeBody = z.object({ provider: z.enum(['google', 'microsoft']) }).strict().openapi('CalendarAuthorize');
const AuthorizeLink = z
  .object({ url: z.url().meta({ description: 'Open in the person\'s browser: it leads to the provider\'s consent page and back' }), expiresAt: z.string() })
  .openapi('CalendarAuthorizeLink');
const CalendarChange = z
  .object({ countsAsBusy: z.boolean().optional(), allDayBusy: z.boolean().optional(), addBookings: z.boolean().optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'send at least one field to change')
  .openapi('CalendarChange');

function presentAccount(a: CalendarAccountView) {
  return {
    ...a,
    lastReadAt: a.lastReadAt?.toISOString() ?? null,
    createdAt: a.createdAt.toISOString(),
    calendars: a.calendars.map(({ writeBookings, readAt, ...c }) => ({ ...c, addBookings: writeBookings, readAt: readAt?.toISOString() ?? null })),
  };
}

/** A provider or configuration failure as an API error: 422 when the input (address, password) is at fault, 502 when the provider failed. */
function fromCalendarError(error: unknown): unknown {
  if (!(error instanceof CalendarError)) return error;
  if (error.kind === 'not_configured') return new ApiError(422, 'calendars_not_configured', error.message);
  if (error.kind === 'auth' || error.kind === 'rejected') return new ApiError(422, 'calendar_refused', error.message);
  return new ApiError(502, 'calendar_unreachable', error.message);
}

const list = createRoute({
  operationId: 'listCalendarAccounts',
  method: 'get',
  path: '/{personId}/calendar-accounts',
  tags,
  summary: "A person's connected calendar accounts and their calendars",
  description: 'Each account with whether it can be read (and why not), and each calendar with what it counts for: busy time, all-day events, where bookings are added.',
  security: bearerAuth,
  request: { params: PersonIdParam },
  responses: { 200: jsonResponse(AccountList, 'The accounts, oldest first'), ...errorResponses(404) },
});

const connect = createRoute({
  operationId: 'connectCalendarAccount',
  method: 'post',
  path: '/{personId}/calendar-accounts',
  tags,
  summary: 'Connect a CalDAV account or an iCal feed',
  description:
    'The calendars are listed with the credentials before anything is stored (so wrong ones are refused with 422); the password or ' +
    'feed address is stored encrypted. Connecting the same account again replaces its credentials. Google and Microsoft connect ' +
    'through their consent pages: see calendar-accounts/authorize.',
  security: bearerAuth,
  request: { params: PersonIdParam, body: jsonBody(ConnectBody) },
  responses: { 201: { ...jsonResponse(AccountSchema, 'Connected'), headers: locationHeader("The new account, in the person's list") }, ...errorResponses(404, 422, 502) },
});

const authorize = createRoute({
  operationId: 'authorizeCalendarAccount',
  method: 'post',
  path: '/{personId}/calendar-accounts/authorize',
  tags,
  summary: 'A link that connects a Google or Microsoft 365 calendar',
  description: 'Give the link to the person: it is theirs alone, valid for two hours, and leads through the provider\'s consent page back to ours.',
  security: bearerAuth,
  request: { params: PersonIdParam, body: jsonBody(AuthorizeBody) },
  responses: { 200: jsonResponse(AuthorizeLink, 'The link'), ...errorResponses(404, 422) },
});

const refresh = createRoute({
  operationId: 'refreshCalendarAccount',
  method: 'post',
  path: '/{personId}/calendar-accounts/{accountId}/refresh',
  tags,
  summary: "Read an account's busy time now",
  description: 'Asks the calendar again instead of waiting for the cache to go stale (a few minutes); answers with the account as it stands after the read.',
  security: bearerAuth,
  request: { params: AccountIdParam },
  responses: { 200: jsonResponse(AccountSchema, 'The account after reading it (see status and readError)'), ...errorResponses(404) },
});

const disconnect = createRoute({
  operationId: 'disconnectCalendarAccount',
  method: 'delete',
  path: '/{personId}/calendar-accounts/{accountId}',
  tags,
  summary: 'Disconnect an account',
  description: 'Its credentials, calendars and cached busy time are deleted (Google\'s token is revoked). Meetings already written to it stay there.',
  security: bearerAuth,
  request: { params: AccountIdParam },
  responses: { 204: { description: 'Disconnected' }, ...errorResponses(404) },
});

const update = createRoute({
  operationId: 'updateCalendar',
  method: 'patch',
  path: '/{personId}/calendars/{calendarId}',
  tags,
  summary: 'Choose what a calendar counts for',
  description: 'Whether its events (and its all-day events) make the person busy, and whether meetings are added to it (choosing one calendar for that clears the others).',
  security: bearerAuth,
  request: { params: CalendarIdParam, body: jsonBody(CalendarChange) },
  responses: { 200: jsonResponse(AccountList, 'All the person\'s accounts after the change'), ...errorResponses(404, 422) },
});

/** /api/meetings/people: a person's calendars. */
export function calendarRoutes(deps: AppDeps) {
  const router = createApiRouter<ApiEnv>();
  router.use('*', requireApiKey(deps));
  const service = calendarsOf(deps);
  const requirePerson = (teamId: string, personId: string) => withTeam(deps.db, teamId, (tx) => getPerson(tx, personId, 'personId'));

  router.openapi(list, async (c) => {
    const { personId } = c.req.valid('param');
    await requirePerson(c.var.teamId, personId);
    return c.json({ accounts: (await service.listAccounts(c.var.teamId, personId)).map(presentAccount) }, 200);
  });

  router.openapi(connect, async (c) => {
    const { personId } = c.req.valid('param');
    try {
      const account = await connectAccount(service, c.var.teamId, personId, c.req.valid('json'));
      c.header('Location', `${MEETINGS_API_BASE}/people/${personId}/calendar-accounts`);
      return c.json(presentAccount(account), 201);
    } catch (error) {
      throw fromCalendarError(error);
    }
  });

  router.openapi(authorize, async (c) => {
    const { personId } = c.req.valid('param');
    await requirePerson(c.var.teamId, personId);
    try {
      const link = await connectLink(service, c.var.teamId, personId, c.req.valid('json').provider);
      return c.json({ url: link.url, expiresAt: link.expiresAt.toISOString() }, 200);
    } catch (error) {
      throw fromCalendarError(error);
    }
  });

  router.openapi(refresh, async (c) => {
    const { personId, accountId } = c.req.valid('param');
    const accounts = await service.listAccounts(c.var.teamId, personId);
    if (!accounts.some((a) => a.id === accountId)) throw new ApiError(404, 'not_found', `Calendar account ${accountId} was not found`, 'accountId');
    const account = await service.refreshAccount(c.var.teamId, accountId);
    return c.json(presentAccount(account!), 200);
  });

  router.openapi(disconnect, async (c) => {
    const { personId, accountId } = c.req.valid('param');
    if (!(await service.disconnect(c.var.teamId, personId, accountId))) throw new ApiError(404, 'not_found', `Calendar account ${accountId} was not found`, 'accountId');
    return c.body(null, 204);
  });

  router.openapi(update, async (c) => {
    const { personId, calendarId } = c.req.valid('param');
    const { addBookings, ...rest } = c.req.valid('json');
    try {
      const accounts = await service.updateCalendar(c.var.teamId, personId, calendarId, { ...rest, writeBookings: addBookings });
      if (!accounts) throw new ApiError(404, 'not_found', `Calendar ${calendarId} was not found`, 'calendarId');
      return c.json({ accounts: accounts.map(presentAccount) }, 200);
    } catch (error) {
      throw fromCalendarError(error);
    }
  });

  return router;
}
