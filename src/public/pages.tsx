/** @jsxImportSource hono/jsx */
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import type { AppDeps } from '../app.js';
import {
  BookingError,
  IdempotencyMismatchError,
  NotFoundError,
  OutsideAvailabilityError,
  PastTimeError,
  SlotTakenError,
  bookThroughLink,
  bookingLinkUrl,
  cancelBooking,
  findBookingLinkBySlug,
  getBookingLink,
  getCurrentBooking,
  getMeetingType,
  getPeople,
  linkSlots,
  loadLineage,
  rescheduleBooking,
  type Booking,
  type BookingLink,
} from '../bookings/index.js';
import { MAX_SLOT_WINDOW_DAYS, type FindSlotsInput } from '../bookings/availability.js';
import { calendarsOf } from '../calendars/service.js';
import { isValidTimeZone, timeZoneSchema } from '../core/availability/index.js';
import { SLUG_MAX, SLUG_PATTERN } from '../core/bookings/links.js';
import { HONEYPOT_FIELD, bookingFormSchema, fieldErrors } from '../core/bookings/public-form.js';
import { externalReferenceSchema, teamIdSchema } from '../core/bookings/schemas.js';
import { isInstantInRange, text } from '../core/input.js';
import { emailConfigured } from '../config.js';
import { withTeam, type Tx } from '../db/tenant.js';
import { personalGuestJoinUrl } from '../video/links.js';
import { BookingPage, type HostView } from './booking-page.js';
import { embedModeOf, prefillOf, withEmbed, type EmbedEvent, type EmbedMode } from './embed-mode.js';
import { formatWhen, googleCalendarUrl, guestIcs, type GuestCalendarEntry } from './calendar-files.js';
import { NoticePage, publicRenderer } from './layout.js';
import { ManageLinkError, manageUrl, signManageToken, verifyManageToken, type ManageClaims } from './manage-links.js';
import { ManagePage, type ManageState } from './manage-page.js';
import type { BookingPageData, PublicErrorBody } from './page-data.js';
import { DEFAULT_PUBLIC_RATE_LIMITS, databaseRateLimit, rateLimitKey } from './rate-limits.js';

const DAY_MS = 86_400_000;
/** Free times sent with the page itself: enough for this month and the next weeks in any zone. */
const INITIAL_DAYS = 42;
/** How long a page waits for a host's calendar being read before showing times with what was last read. */
const PAGE_CALENDAR_WAIT_MS = 300;

const pageHeaders = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
};
// A manage link's token is in its URL: never sent on as a referrer.
const manageHeaders = { ...pageHeaders, 'referrer-policy': 'no-referrer' };
/**
 * Embedded pages (embed.js) may be framed by any site: they set no cookie and act on nothing but
 * what their URL names (a link; a manage token, which whoever holds it can use without a frame).
 * Every other page stays unframeable.
 */
const framed = (headers: Record<string, string>) => ({ ...headers, 'content-security-policy': headers['content-security-policy']!.replace("frame-ancestors 'none'", 'frame-ancestors *') });

const slotsQuery = z.object({ from: text().max(40), to: text().max(40) });
const moveBody = z.object({ start: text().max(40), timeZone: timeZoneSchema, idempotencyKey: z.uuid('must be a uuid') });
const bookBody = moveBody.extend({ [HONEYPOT_FIELD]: text().max(500).optional(), externalReference: externalReferenceSchema.optional() });

/**
 * The public booking pages under /book: a link's page (`/book/<team>/<slug>`), its free times and
 * its booking endpoint; a guest's manage page (`/book/manage/<token>`: the confirmation, the .ics,
 * reschedule and cancel). They show free times and the link's hosts only. Each team's counters
 * of the rate limits live in the database, keyed by the team in the URL or the token.
 */
export function publicPages(deps: AppDeps): Hono {
  const pages = new Hono();
  const now = () => deps.now?.() ?? new Date();
  const limits = { ...DEFAULT_PUBLIC_RATE_LIMITS, ...deps.publicRateLimits };
  const address = (c: Context) => deps.clientIp?.(c) ?? 'unknown';
  const emailOn = emailConfigured(deps.config);

  const tooMany = (c: Context, seconds: number) =>
    wantsJson(c)
      ? publicError(c, 429, 'rate_limited', `Too many requests. Try again in ${waitWords(seconds)}.`)
      : page(c, 429, 'Too many requests', <NoticePage heading="Slow down a little" message={`Too many requests came from your network. Try again in ${waitWords(seconds)}.`} />);

  /** The team a request names: from the URL for a link, from the (verified) token for a manage link. */
  const teamOf = async (c: Context): Promise<string | undefined> => {
    const token = c.req.param('token');
    if (token !== undefined) return (await claimsOf(c))?.teamId;
    const team = c.req.param('team');
    return team && teamIdSchema.safeParse(team).success ? team : undefined;
  };
  const claimsOf = async (c: Context): Promise<ManageClaims | undefined> => {
    const cached = c.get('manageClaims' as never) as ManageClaims | null | undefined;
    if (cached !== undefined) return cached ?? undefined;
    const claims = await verifyManageToken(deps.config.linkSecret, c.req.param('token') ?? '').catch(() => null);
    c.set('manageClaims' as never, claims as never);
    return claims ?? undefined;
  };
  const perAddress = (what: string) => async (c: Context) => {
    const team = await teamOf(c);
    return team ? rateLimitKey(team, `${what}:${address(c)}`) : undefined;
  };
  const reads = databaseRateLimit(deps.db, 'reads', limits.readsPerAddress, perAddress('ip'), tooMany);
  const writes = databaseRateLimit(deps.db, 'writes', limits.writesPerAddress, perAddress('ip'), tooMany);
  const perLink = databaseRateLimit(
    deps.db,
    'bookings',
    limits.bookingsPerLink,
    async (c) => {
      const team = await teamOf(c);
      const slug = c.req.param('slug');
      return team && slug ? rateLimitKey(team, `link:${slug.toLowerCase()}`) : undefined;
    },
    tooMany,
  );

  pages.use('*', publicRenderer());

  // ---------- a guest's manage link (before /:team/:slug, which its path also fits) ----------

  pages.get('/manage/:token', reads, async (c) => {
    const found = await manageTarget(c);
    if (found instanceof Response) return found;
    const { claims, booking, guest } = found;
    const at = now();
    const zone = visitorZone(c.req.query('tz'));
    const link = booking.bookingLinkId ? await withTeam(deps.db, claims.teamId, (tx) => getBookingLink(tx, booking.bookingLinkId!)).catch(() => undefined) : undefined;
    let state: ManageState = 'current';
    if (booking.status === 'cancelled') state = 'cancelled';
    else if (booking.endsAt <= at) state = 'over';
    else if (c.req.query('booked') === '1') state = 'booked';
    else if (c.req.query('moved') === '1') state = 'moved';
    const entry = await calendarEntry(claims, booking, guest.guestId!);
    const hosts = await hostsOf(claims.teamId, booking);
    const embed = embedModeOf((name) => c.req.query(name));
    return page(
      c,
      200,
      `${state === 'booked' ? 'Booked: ' : ''}${booking.title}`,
      <ManagePage
        state={state}
        title={booking.title}
        startsAt={booking.startsAt}
        endsAt={booking.endsAt}
        durationMinutes={booking.durationMinutes}
        when={formatWhen(booking.startsAt, booking.endsAt, zone ?? 'UTC', localeOf(c))}
        timeZone={zone ?? 'UTC'}
        zoneFromVisitor={Boolean(zone)}
        hosts={hosts}
        guestName={guest.guestName ?? 'Guest'}
        guestEmail={guest.guestEmail}
        joinUrl={entry.joinUrl}
        icsUrl={`${entry.manageUrl}/meeting.ics`}
        googleUrl={googleCalendarUrl(entry)}
        manageUrl={entry.manageUrl}
        rescheduleUrl={withEmbed(`${entry.manageUrl}/reschedule${zone ? `?tz=${encodeURIComponent(zone)}` : ''}`, embed)}
        cancelUrl={withEmbed(`${entry.manageUrl}/cancel`, embed)}
        embedded={Boolean(embed)}
        emailOn={emailOn}
        cancelledBy={booking.cancelledBy ? actorWords(booking.cancelledBy, guest, booking.participants) : undefined}
        cancelReason={booking.cancelReason}
        bookAgainUrl={link?.active ? withEmbed(bookingLinkUrl({ publicUrl: '' }, claims.teamId, link.slug), embed) : undefined}
      />,
      'manage',
      manageHeaders,
      embed ? await embedEvent(c, claims.teamId, booking, state) : undefined,
    );
  });

  pages.get('/manage/:token/meeting.ics', reads, async (c) => {
    const found = await manageTarget(c);
    if (found instanceof Response) return found;
    const entry = await calendarEntry(found.claims, found.booking, found.guest.guestId!);
    return c.body(guestIcs(entry), 200, {
      'content-type': 'text/calendar; charset=utf-8',
      'content-disposition': `attachment; filename="meeting-${found.claims.meetingId.slice(0, 8)}.ics"`,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });
  });

  pages.get('/manage/:token/reschedule', reads, async (c) => {
    const found = await manageTarget(c);
    if (found instanceof Response) return found;
    const { claims, booking } = found;
    if (booking.status !== 'confirmed' || booking.endsAt <= now()) return c.redirect(withEmbed(`/book/manage/${c.req.param('token')}`, embedModeOf((name) => c.req.query(name))), 303);
    const hostIds = hostIdsOf(booking);
    const token = c.req.param('token');
    const external = await calendarBusy(claims.teamId, hostIds, now(), initialEnd(now()));
    const data = await withTeam(deps.db, claims.teamId, async (tx) => {
      const link = { meetingTypeId: booking.meetingTypeId, hostIds, mode: 'all' as const };
      return pageData(tx, link, external, {
        mode: 'reschedule',
        title: booking.title,
        slotsUrl: `/book/manage/${token}/slots`,
        submitUrl: `/book/manage/${token}/reschedule`,
        form: { askNotes: false, questions: [] },
        currentStart: booking.startsAt.toISOString(),
      });
    });
    const hosts = await hostsOf(claims.teamId, booking);
    return page(c, 200, `Reschedule: ${booking.title}`, <BookingPage data={data} hosts={hosts} hostMode="all" description={null} />, 'booking', manageHeaders);
  });

  pages.get('/manage/:token/slots', reads, async (c) => {
    const claims = await claimsOf(c);
    if (!claims) return publicError(c, 404, 'not_found', 'This link is not valid.');
    const booking = await getCurrentBooking(deps.db, claims.teamId, claims.meetingId).catch(() => undefined);
    if (!booking || booking.status !== 'confirmed') return publicError(c, 410, 'cancelled', 'This meeting was cancelled.');
    return slotsAnswer(c, claims.teamId, { meetingTypeId: booking.meetingTypeId, hostIds: hostIdsOf(booking), mode: 'all' });
  });

  pages.post('/manage/:token/reschedule', writes, async (c) => {
    const found = await manageTarget(c, true);
    if (found instanceof Response) return found;
    const { claims, booking, guest } = found;
    const body = await jsonBody(c, moveBody);
    if (body instanceof Response) return body;
    const start = instantOf(body.start);
    if (!start) return publicError(c, 400, 'invalid_input', 'Pick a time from the calendar.', 'start');
    if (booking.status !== 'confirmed') return publicError(c, 410, 'cancelled', 'This meeting was cancelled, so it cannot be moved.');
    const idempotencyKey = `manage:${claims.meetingId}:${body.idempotencyKey}`;
    const confirmation = () => c.json({ confirmationUrl: `/book/manage/${c.req.param('token')}?moved=1&tz=${encodeURIComponent(body.timeZone)}` }, 200);
    // Already at that time (a form sent again after the move, with a fresh key): nothing to move.
    if (booking.startsAt.getTime() === start.getTime()) return confirmation();
    try {
      await rescheduleBooking(deps.db, claims.teamId, { bookingId: booking.id, start, actorId: guestActor(guest), idempotencyKey }, { now: now(), calendars: calendarsOf(deps) });
    } catch (error) {
      // A repeated submit after the first one moved it: the meeting already stands at that time.
      const current = error instanceof IdempotencyMismatchError ? await getCurrentBooking(deps.db, claims.teamId, claims.meetingId) : undefined;
      if (!(current && current.startsAt.getTime() === start.getTime() && current.status === 'confirmed')) return bookingFailure(c, error);
    }
    return confirmation();
  });

  pages.post('/manage/:token/cancel', writes, async (c) => {
    const found = await manageTarget(c, true);
    if (found instanceof Response) return found;
    const { claims, booking, guest } = found;
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const reason = text().trim().max(1000, 'Keep the reason under 1,000 characters').optional().safeParse(typeof form.reason === 'string' ? form.reason : undefined);
    if (!reason.success) return c.text(reason.error.issues[0]!.message, 400);
    if (booking.status === 'confirmed') {
      await cancelBooking(deps.db, claims.teamId, { bookingId: booking.id, reason: reason.data || undefined, actorId: guestActor(guest) }, { now: now() });
    }
    // Embedded, the page after a cancel says so to the embedding page (once: a reload has no ?cancelled=1).
    const embed = embedModeOf((name) => c.req.query(name));
    return c.redirect(withEmbed(`/book/manage/${c.req.param('token')}${embed ? '?cancelled=1' : ''}`, embed), 303);
  });

  // ---------- a booking link ----------

  pages.get('/:team/:slug', reads, async (c) => {
    const found = await linkTarget(c);
    if (found instanceof Response) return found;
    const { teamId, link } = found;
    const prefilled = prefillOf(c.req.query());
    if ('error' in prefilled) {
      return page(c, 400, 'Booking page not opened', <NoticePage heading="This booking page was opened with details it cannot use" message={`${prefilled.error}. Ask the site that sent you here to fix its link.`} />);
    }
    const { prefill } = prefilled;
    const external = await calendarBusy(teamId, link.hostIds, now(), initialEnd(now()));
    const loaded = await withTeam(deps.db, teamId, async (tx) => {
      const type = await getMeetingType(tx, link.meetingTypeId, { activeOnly: true });
      const people = await getPeople(tx, link.hostIds);
      const data = await pageData(tx, link, external, {
        mode: 'book',
        title: link.title ?? type.name,
        slotsUrl: `/book/${teamId}/${link.slug}/slots`,
        submitUrl: `/book/${teamId}/${link.slug}`,
        form: { askNotes: link.askNotes, questions: link.questions },
        externalReference: prefill.externalReference,
      });
      return { data, hosts: link.hostIds.map((id) => ({ name: people.get(id)!.name, avatarUrl: people.get(id)!.avatarUrl })) };
    }).catch((error) => {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    });
    if (!loaded) return notFound(c);
    return page(c, 200, loaded.data.title, <BookingPage data={loaded.data} hosts={loaded.hosts} hostMode={link.mode} description={link.description} prefill={prefill} />, 'booking');
  });

  pages.get('/:team/:slug/slots', reads, async (c) => {
    const found = await linkTarget(c);
    if (found instanceof Response) return found;
    return slotsAnswer(c, found.teamId, found.link);
  });

  pages.post('/:team/:slug', writes, perLink, async (c) => {
    const found = await linkTarget(c);
    if (found instanceof Response) return found;
    const { teamId, link } = found;
    const raw = await c.req.json().catch(() => undefined);
    if (!raw || typeof raw !== 'object') return publicError(c, 400, 'invalid_input', 'Send the booking as JSON.');
    const body = bookBody.safeParse(raw);
    if (!body.success) {
      const issue = body.error.issues[0]!;
      return publicError(c, 400, 'invalid_input', `${issue.path.join('.')}: ${issue.message}`, issue.path.join('.'));
    }
    if (body.data[HONEYPOT_FIELD]) return publicError(c, 400, 'rejected', 'This booking could not be taken.');
    const form = bookingFormSchema({ askNotes: link.askNotes, questions: link.questions }).safeParse(raw);
    if (!form.success) {
      const fields = fieldErrors(form.error.issues);
      const [field, message] = Object.entries(fields)[0]!;
      return c.json({ error: { code: 'invalid_input', message, field }, fields } satisfies PublicErrorBody, 400);
    }
    const start = instantOf(body.data.start);
    if (!start) return publicError(c, 400, 'invalid_input', 'Pick a time from the calendar.', 'start');
    const answers = link.questions
      .map((q) => ({ questionId: q.id, label: q.label, answer: (form.data.answers[q.id] as string | undefined) ?? '' }))
      .filter((a) => a.answer);
    try {
      const { booking, replayed } = await bookThroughLink(
        deps.db,
        teamId,
        link,
        {
          start,
          guest: { name: form.data.name, email: form.data.email, timeZone: body.data.timeZone },
          notes: form.data.notes,
          answers,
          externalReference: body.data.externalReference,
          idempotencyKey: `web:${link.id}:${body.data.idempotencyKey}`,
        },
        { now: now(), calendars: calendarsOf(deps) },
      );
      const guest = booking.participants.find((p) => p.role === 'guest')!;
      const token = await signManageToken(deps.config.linkSecret, { teamId, meetingId: booking.meetingId, guestId: guest.guestId! });
      return c.json({ confirmationUrl: `/book/manage/${token}?booked=1&tz=${encodeURIComponent(body.data.timeZone)}` }, replayed ? 200 : 201);
    } catch (error) {
      return bookingFailure(c, error);
    }
  });

  return pages;

  // ---------- helpers that need deps ----------

  async function linkTarget(c: Context): Promise<{ teamId: string; link: BookingLink } | Response> {
    const teamId = c.req.param('team') ?? '';
    const slug = (c.req.param('slug') ?? '').toLowerCase();
    if (!teamIdSchema.safeParse(teamId).success || slug.length > SLUG_MAX || !SLUG_PATTERN.test(slug)) return notFound(c);
    const link = await withTeam(deps.db, teamId, (tx) => findBookingLinkBySlug(tx, slug));
    if (!link?.active) return notFound(c);
    return { teamId, link };
  }

  /** The meeting a manage token names, as it stands now, and the guest in it; or the page that says why not. */
  async function manageTarget(c: Context, forWrite = false): Promise<{ claims: ManageClaims; booking: Booking; guest: Booking['participants'][number] } | Response> {
    let claims: ManageClaims;
    try {
      claims = await verifyManageToken(deps.config.linkSecret, c.req.param('token') ?? '');
    } catch (error) {
      if (!(error instanceof ManageLinkError)) throw error;
      const heading = error.code === 'forged' ? 'This link is not valid' : 'This link is incomplete';
      if (forWrite || wantsJson(c)) return publicError(c, 403, 'invalid_link', error.message);
      return page(c, error.code === 'forged' ? 403 : 400, heading, <NoticePage heading={heading} message={error.message} />, undefined, manageHeaders);
    }
    const booking = teamIdSchema.safeParse(claims.teamId).success ? await getCurrentBooking(deps.db, claims.teamId, claims.meetingId).catch(() => undefined) : undefined;
    if (!booking) {
      const message = 'This meeting no longer exists. Ask the person you booked with.';
      if (forWrite || wantsJson(c)) return publicError(c, 404, 'not_found', message);
      return page(c, 404, 'Meeting not found', <NoticePage heading="Meeting not found" message={message} />, undefined, manageHeaders);
    }
    const guest = booking.participants.find((p) => p.guestId === claims.guestId);
    if (!guest) {
      const message = 'You are no longer a guest of this meeting. Ask the person you booked with.';
      if (forWrite || wantsJson(c)) return publicError(c, 403, 'not_participant', message);
      return page(c, 403, 'Not in this meeting', <NoticePage heading="You are no longer in this meeting" message={message} />, undefined, manageHeaders);
    }
    return { claims, booking, guest };
  }

  async function calendarEntry(claims: ManageClaims, booking: Booking, guestId: string): Promise<GuestCalendarEntry> {
    const organizer = await withTeam(deps.db, claims.teamId, (tx) => getPeople(tx, [booking.organizerId]))
      .then((people) => people.get(booking.organizerId))
      .catch(() => undefined);
    return {
      meetingId: booking.meetingId,
      sequence: booking.sequence,
      title: booking.title,
      start: booking.startsAt,
      end: booking.endsAt,
      cancelled: booking.status === 'cancelled',
      joinUrl: await personalGuestJoinUrl(deps.config, { teamId: claims.teamId, bookingId: booking.id }, guestId),
      manageUrl: await manageUrl(deps.config, { teamId: claims.teamId, meetingId: booking.meetingId, guestId }),
      organizer: organizer?.email ? { name: organizer.name, email: organizer.email } : null,
      stamp: booking.updatedAt,
    };
  }

  async function hostsOf(teamId: string, booking: Booking): Promise<HostView[]> {
    const ids = hostIdsOf(booking);
    const people = await withTeam(deps.db, teamId, (tx) => getPeople(tx, ids)).catch(() => new Map());
    return ids.map((id) => ({ name: people.get(id)?.name ?? 'A host', avatarUrl: people.get(id)?.avatarUrl ?? null }));
  }

  /** What an embedded manage page tells the embedding page: the booking, its move or its cancel that led here. */
  async function embedEvent(c: Context, teamId: string, booking: Booking, state: ManageState): Promise<EmbedEvent | undefined> {
    const times = { id: booking.id, start: booking.startsAt.toISOString(), end: booking.endsAt.toISOString() };
    if (state === 'booked') return { type: 'booked', booking: times };
    if (state === 'moved') {
      const ids = (await loadLineage(deps.db, teamId, booking.id))?.ids ?? [];
      return { type: 'rescheduled', booking: { ...times, ...(ids.length > 1 ? { previousId: ids[ids.length - 2] } : {}) } };
    }
    if (state === 'cancelled' && c.req.query('cancelled') === '1') return { type: 'cancelled', booking: times };
    return undefined;
  }

  /**
   * Busy time from the hosts' own calendars, read before any transaction: from the cache when
   * fresh, else asked, waiting briefly; a calendar that is slow counts with what was last read.
   */
  async function calendarBusy(teamId: string, hostIds: string[], from: Date, to: Date): Promise<FindSlotsInput['external']> {
    return (await calendarsOf(deps).busyFor(teamId, hostIds, from, to, { waitMs: PAGE_CALENDAR_WAIT_MS })).busy;
  }

  function initialEnd(at: Date): Date {
    return new Date(at.getTime() + INITIAL_DAYS * DAY_MS);
  }

  async function pageData(
    tx: Tx,
    link: Pick<BookingLink, 'meetingTypeId' | 'hostIds' | 'mode'>,
    external: FindSlotsInput['external'],
    fields: Pick<BookingPageData, 'mode' | 'title' | 'slotsUrl' | 'submitUrl' | 'form' | 'currentStart' | 'externalReference'>,
  ): Promise<BookingPageData> {
    const at = now();
    const type = await getMeetingType(tx, link.meetingTypeId, { activeOnly: true });
    const horizonEnd = new Date(at.getTime() + type.bookingHorizonDays * DAY_MS);
    const to = new Date(Math.min(at.getTime() + INITIAL_DAYS * DAY_MS, horizonEnd.getTime()));
    const slots = await linkSlots(tx, link, at, to, at, external);
    const people = await getPeople(tx, link.hostIds);
    return {
      ...fields,
      durationMinutes: type.durationMinutes,
      initial: { from: at.toISOString(), to: to.toISOString(), slots: slots.map((s) => s.start.toISOString()) },
      horizonEnd: horizonEnd.toISOString(),
      now: at.toISOString(),
      fallbackTimeZone: people.get(link.hostIds[0]!)?.timeZone ?? 'UTC',
    };
  }

  async function slotsAnswer(c: Context, teamId: string, link: Pick<BookingLink, 'meetingTypeId' | 'hostIds' | 'mode'>): Promise<Response> {
    const query = slotsQuery.safeParse(c.req.query());
    const from = query.success ? instantOf(query.data.from) : undefined;
    const to = query.success ? instantOf(query.data.to) : undefined;
    if (!from || !to || !(to > from)) return publicError(c, 400, 'invalid_input', 'from and to must be ISO 8601 instants, from before to', 'from');
    if (to.getTime() - from.getTime() > MAX_SLOT_WINDOW_DAYS * DAY_MS) return publicError(c, 400, 'invalid_input', `Ask for at most ${MAX_SLOT_WINDOW_DAYS} days at once`, 'to');
    const at = now();
    if (to <= at) return c.json({ slots: [] }, 200, { 'cache-control': 'no-store' });
    const start = from < at ? at : from;
    const external = await calendarBusy(teamId, link.hostIds, start, to);
    const slots = await withTeam(deps.db, teamId, (tx) => linkSlots(tx, link, start, to, at, external));
    return c.json({ slots: slots.map((s) => s.start.toISOString()) }, 200, { 'cache-control': 'no-store' });
  }
}

function hostIdsOf(booking: Booking): string[] {
  return booking.participants.filter((p) => p.role !== 'guest' && p.slackUserId).map((p) => p.slackUserId!);
}

/** A failed booking or move, in words for the visitor: a time taken meanwhile is a 409 the page answers with fresh times. */
function bookingFailure(c: Context, error: unknown): Response {
  if (error instanceof SlotTakenError || error instanceof OutsideAvailabilityError || error instanceof PastTimeError) {
    return publicError(c, 409, 'slot_taken', 'Sorry, that time was just taken. Here are the free times now: please pick another.', 'start');
  }
  if (error instanceof IdempotencyMismatchError) return publicError(c, 422, 'idempotency_mismatch', 'This form was already sent with other details. Reload the page and try again.');
  if (error instanceof BookingError && error.code === 'invalid_input') return publicError(c, 400, 'invalid_input', error.message, error.field ?? null);
  throw error;
}

function publicError(c: Context, status: ContentfulStatusCode, code: string, message: string, field: string | null = null): Response {
  return c.json({ error: { code, message, field } } satisfies PublicErrorBody, status, { 'cache-control': 'no-store' });
}

async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S> | Response> {
  const raw = await c.req.json().catch(() => undefined);
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return publicError(c, 400, 'invalid_input', issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'Send JSON', issue?.path.join('.') || null);
}

/** A page; embedded (`?embed=1`, see embed-mode.ts) it may be framed, keeps the embed in its links and runs a script to size its frame. */
function page(
  c: Context,
  status: ContentfulStatusCode,
  title: string,
  content: unknown,
  script?: 'booking' | 'manage',
  headers: Record<string, string> = pageHeaders,
  event?: EmbedEvent,
): Response | Promise<Response> {
  const embed: EmbedMode | undefined = embedModeOf((name) => c.req.query(name));
  c.status(status);
  for (const [name, value] of Object.entries(embed ? framed(headers) : headers)) c.header(name, value);
  return c.render(content as string, {
    title: `${title} · Meetings for Slack`,
    // manage.js is the smallest script that sizes the frame, for pages that have none of their own.
    script: embed ? (script ?? 'manage') : script,
    embed: embed ? { parentOrigin: embed.parentOrigin, query: withEmbed('', embed).slice(1), ...(event ? { event } : {}) } : undefined,
  });
}

function notFound(c: Context): Response | Promise<Response> {
  if (wantsJson(c)) return publicError(c, 404, 'not_found', 'There is no booking page at this address.');
  return page(
    c,
    404,
    'Booking page not found',
    <NoticePage
      heading="This booking page is not available"
      message="The link may have been turned off, or its address is mistyped. Ask the person who sent it to you for a current link."
    />,
  );
}

function wantsJson(c: Context): boolean {
  return c.req.method !== 'GET' || c.req.path.endsWith('/slots');
}

function instantOf(value: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) || !isInstantInRange(date) ? undefined : date;
}

function visitorZone(value: string | undefined): string | undefined {
  return value && value.length <= 64 && isValidTimeZone(value) ? value : undefined;
}

/** The reader's first language, when the runtime knows it. */
function localeOf(c: Context): string {
  const first = (c.req.header('accept-language') ?? '').split(',')[0]?.split(';')[0]?.trim() ?? '';
  try {
    return first && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(first) && Intl.DateTimeFormat.supportedLocalesOf([first]).length ? first : 'en-GB';
  } catch {
    return 'en-GB';
  }
}

/** A guest's changes are recorded as theirs by their id (src/slack/blocks/format.ts `actor` and the emails name them). */
function guestActor(guest: Booking['participants'][number]): string {
  return `guest:${guest.guestId}`;
}

/** Who cancelled, as the guest reads it. */
function actorWords(actorId: string, guest: Booking['participants'][number], participants: Booking['participants']): string {
  if (actorId.startsWith('guest:')) {
    const guestId = actorId.slice('guest:'.length);
    return guestId === guest.guestId ? 'you' : (participants.find((p) => p.guestId === guestId)?.guestName ?? 'a guest');
  }
  if (actorId.startsWith('api-key:')) return 'the hosts';
  return 'the hosts';
}

function waitWords(seconds: number): string {
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}
