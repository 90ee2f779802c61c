import { Hono } from 'hono';
import type { AppDeps } from '../app.js';
import { findPeople, getBooking, memberIds, NotFoundError } from '../bookings/index.js';
import { withTeam } from '../db/tenant.js';
import { joinUrl } from '../video/links.js';
import { buildIcs } from '../core/ics.js';
import { verifyCalendarSignature } from './links.js';
import { loadLineage } from '../bookings/index.js';

/**
 * POST /slack/events: Slack's signed HTTP requests (commands, interactivity, events) into Bolt.
 * GET /slack/ics/:bookingId.ics: the meeting's calendar file, by signed link.
 */
export function slackRoutes(deps: AppDeps): Hono {
  const routes = new Hono();
  const { botToken, signingSecret } = deps.config.slack;
  // Bolt and the listeners load only where Slack is configured, starting now (main.ts waits for
  // them before it listens); a server without Slack starts without them.
  const slack = botToken && signingSecret ? import('./index.js').then((m) => m.createHttpSlackApp(deps)) : undefined;
  slack?.catch(() => {}); // a failure surfaces on the first request, through onError
  routes.post('/events', async (c) => {
    if (!slack) return c.json({ error: 'Slack is not configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET' }, 503);
    return (await slack)!.receiver.handle(c);
  });

  routes.get('/ics/:file', async (c) => {
    const bookingId = c.req.param('file').replace(/\.ics$/, '');
    const teamId = c.req.query('t') ?? '';
    const participant = c.req.query('p') || undefined;
    const signature = c.req.query('k') ?? '';
    if (!teamId || !verifyCalendarSignature(deps.config.linkSecret, teamId, bookingId, participant, signature)) {
      return c.text('This calendar link is not valid.', 403);
    }
    const lineage = await loadLineage(deps.db, teamId, bookingId).catch(() => null);
    if (!lineage) return c.text('This meeting does not exist.', 404);
    let booking;
    try {
      booking = await getBooking(deps.db, teamId, lineage.currentId);
    } catch (error) {
      if (error instanceof NotFoundError) return c.text('This meeting does not exist.', 404);
      throw error;
    }
    const people = await withTeam(deps.db, teamId, (tx) => findPeople(tx, memberIds(booking)));
    const organizer = people.get(booking.organizerId);
    const personalLink = participant && booking.participants.some((p) => p.slackUserId === participant)
      ? await joinUrl(deps.config, { teamId, bookingId: booking.id, participant })
      : undefined;
    const description = [
      booking.notes ?? '',
      personalLink ? `Join the video call (your own link, do not share): ${personalLink}` : 'Join the video call with the "Join video call" button in Slack, or from your direct message from Meetings.',
      `With: ${booking.participants.map((p) => p.guestName ?? people.get(p.slackUserId!)?.name ?? p.slackUserId).join(', ')}`,
    ]
      .filter(Boolean)
      .join('\n\n');
    const ics = buildIcs({
      uid: lineage.rootId,
      sequence: lineage.sequence + (booking.status === 'cancelled' ? 1 : 0),
      start: booking.startsAt,
      end: booking.endsAt,
      title: booking.title,
      description,
      url: personalLink,
      cancelled: booking.status === 'cancelled',
      organizer: organizer?.email ? { name: organizer.name, email: organizer.email } : null,
      stamp: booking.updatedAt,
    });
    return c.body(ics, 200, {
      'content-type': 'text/calendar; charset=utf-8',
      'content-disposition': `attachment; filename="meeting-${lineage.rootId.slice(0, 8)}.ics"`,
      'cache-control': 'no-store',
    });
  });
  return routes;
}
