import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { BookingError, bookingLinkUrl, createBookingLink, freeSlug, listBookingLinks, listMeetingTypes, setBookingLinkActive, type BookingLink } from '../bookings/index.js';
import { parseQuestionLines } from '../core/bookings/links.js';
import { text } from '../core/input.js';
import { withTeam } from '../db/tenant.js';
import { BookingLinkIds, bookingLinkModal, bookingLinkRows } from './blocks/booking-link-modal.js';
import { escapeMrkdwn, mrkdwn } from './blocks/limits.js';
import type { SlackContext } from './context.js';
import { slackErrorCode } from './slack-errors.js';
import { tell } from './tell.js';
import { decodeMetadata, encodeMetadata } from './view-state.js';

const metadataSchema = z.object({ c: text().max(40).optional() });

/** `/meet link` and the Home tab's button: the modal that publishes a booking link. */
export async function openBookingLinkModal(ctx: SlackContext, client: WebClient, at: { teamId: string; userId: string; triggerId: string; channelId?: string }): Promise<void> {
  await ctx.people.one(client, at.teamId, at.userId);
  const types = await withTeam(ctx.db, at.teamId, (tx) => listMeetingTypes(tx));
  try {
    await client.views.open({ trigger_id: at.triggerId, view: bookingLinkModal({ types, userId: at.userId, privateMetadata: encodeMetadata(at.channelId ? { c: at.channelId } : {}) }) });
  } catch (error) {
    const code = slackErrorCode(error);
    await tell(ctx, client, { user: at.userId, channel: at.channelId }, code === 'expired_trigger_id' ? 'Slack took too long to open the form. Please try again.' : `The form could not be opened (${code ?? 'no answer from Slack'}).`);
  }
}

type Values = Record<string, Record<string, any>>;

/** Which block each field of a link lives in, so an error shows on it. */
const blockOf: Record<string, string> = {
  slug: BookingLinkIds.slugBlock,
  meetingTypeId: BookingLinkIds.typeBlock,
  title: BookingLinkIds.titleBlock,
  mode: BookingLinkIds.modeBlock,
  hostIds: BookingLinkIds.hostsBlock,
  questions: BookingLinkIds.questionsBlock,
  slackChannelId: BookingLinkIds.channelBlock,
};

/** Publishes the link from the submitted modal; answers the errors to show on its fields, or the link made. */
export async function saveBookingLink(ctx: SlackContext, client: WebClient, teamId: string, userId: string, values: Values): Promise<{ errors: Record<string, string> } | { link: BookingLink }> {
  const get = (block: string, action: string) => values[block]?.[action];
  const hostIds: string[] = get(BookingLinkIds.hostsBlock, BookingLinkIds.hostsAction)?.selected_users ?? [];
  const questions = parseQuestionLines(String(get(BookingLinkIds.questionsBlock, BookingLinkIds.questionsAction)?.value ?? ''));
  if (questions.length > 5) return { errors: { [BookingLinkIds.questionsBlock]: `At most five questions of your own (there are ${questions.length}).` } };
  const title = String(get(BookingLinkIds.titleBlock, BookingLinkIds.titleAction)?.value ?? '').trim() || null;
  const typeId = String(get(BookingLinkIds.typeBlock, BookingLinkIds.typeAction)?.selected_option?.value ?? '');
  try {
    // Hosts are people the bot has seen (with their Slack time zones) before they can be booked.
    const people = await ctx.people.see(client, teamId, hostIds.slice(0, 20));
    const gone = people.find((p) => p.isBot || p.deleted);
    if (gone) return { errors: { [BookingLinkIds.hostsBlock]: `<@${gone.id}> cannot host meetings.` } };
    const link = await withTeam(ctx.db, teamId, async (tx) => {
      const types = await listMeetingTypes(tx);
      const typeName = types.find((t) => t.id === typeId)?.name ?? 'meeting';
      const typed = String(get(BookingLinkIds.slugBlock, BookingLinkIds.slugAction)?.value ?? '').trim();
      return createBookingLink(
        tx,
        teamId,
        {
          slug: typed || (await freeSlug(tx, title ?? typeName)),
          meetingTypeId: typeId,
          title,
          mode: get(BookingLinkIds.modeBlock, BookingLinkIds.modeAction)?.selected_option?.value ?? 'one',
          hostIds,
          askNotes: (get(BookingLinkIds.notesBlock, BookingLinkIds.notesAction)?.selected_options ?? []).length > 0,
          questions,
          slackChannelId: get(BookingLinkIds.channelBlock, BookingLinkIds.channelAction)?.selected_conversation ?? null,
        },
        userId,
      );
    });
    return { link };
  } catch (error) {
    if (!(error instanceof BookingError)) throw error;
    const field = (error.field ?? '').split('.')[0]!;
    const message = error.message.replace(/^[\w.]+: /, '');
    return { errors: { [blockOf[field] ?? BookingLinkIds.typeBlock]: message.charAt(0).toUpperCase() + message.slice(1) } };
  }
}

/** The team's links a person hosts, as Block Kit rows with on/off buttons. */
export async function bookingLinkBlocks(ctx: SlackContext, teamId: string, userId: string): Promise<any[]> {
  const { links, types } = await withTeam(ctx.db, teamId, async (tx) => ({
    links: await listBookingLinks(tx, { hostId: userId, includeInactive: true }),
    types: await listMeetingTypes(tx, { includeInactive: true }),
  }));
  const typeNames = new Map(types.map((t) => [t.id, t.name]));
  return bookingLinkRows(links.slice(0, 20).map((l) => ({ ...l, url: bookingLinkUrl(ctx.config, teamId, l.slug), typeName: typeNames.get(l.meetingTypeId) ?? 'Meeting' })));
}

/** `/meet links`: the person's booking links, with buttons to turn them off or on. */
export async function bookingLinksMessage(ctx: SlackContext, teamId: string, userId: string): Promise<{ text: string; blocks: any[] }> {
  const rows = await bookingLinkBlocks(ctx, teamId, userId);
  if (!rows.length) {
    const text = 'You host no booking links yet. `/meet link` publishes one: a page where people outside Slack book you at free times.';
    return { text, blocks: [{ type: 'section', block_id: 'links_none', text: mrkdwn(text) }] };
  }
  return { text: 'Your booking links', blocks: [{ type: 'section', block_id: 'links_head', text: mrkdwn('*Your booking links*') }, ...rows] };
}

/** Turns a link off or on (any host of it may); says what happened, in words. */
export async function toggleBookingLink(ctx: SlackContext, teamId: string, userId: string, value: string): Promise<string> {
  const parsed = z.object({ id: z.uuid(), on: z.boolean() }).safeParse(safeJson(value));
  if (!parsed.success) return 'That button no longer works; open `/meet links` again.';
  return withTeam(ctx.db, teamId, async (tx) => {
    const [link] = (await listBookingLinks(tx, { includeInactive: true })).filter((l) => l.id === parsed.data.id);
    if (!link) return 'That booking link no longer exists.';
    if (!link.hostIds.includes(userId) && link.createdBy !== userId) return 'Only its hosts can turn this booking link off or on.';
    const changed = await setBookingLinkActive(tx, link.id, parsed.data.on);
    const url = bookingLinkUrl(ctx.config, teamId, changed.slug);
    return changed.active ? `:large_green_circle: ${url} is on again.` : `:white_circle: ${url} is off: visitors now see that the page is not available.`;
  });
}

/** Told to whoever published a link: where it is. */
export function publishedText(ctx: SlackContext, teamId: string, link: BookingLink): string {
  const url = bookingLinkUrl(ctx.config, teamId, link.slug);
  return `:link: Your booking page is live: ${url}\n*${escapeMrkdwn(link.title ?? 'Booking link')}* · ${link.hostIds.map((id) => `<@${id}>`).join(link.mode === 'any' ? ' or ' : ' and ')}${
    link.slackChannelId ? ` · bookings are posted in <#${link.slackChannelId}>` : ''
  }\nTurn it off at any time from my Home tab or \`/meet links\`.`;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

export { decodeMetadata, metadataSchema as bookingLinkMetadataSchema };
