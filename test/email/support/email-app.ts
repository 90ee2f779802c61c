import { sql } from 'drizzle-orm';
import ICAL from 'ical.js';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createApiKey } from '../../../src/api/keys.js';
import type { Config } from '../../../src/config.js';
import { verifyManageToken } from '../../../src/public/manage-links.js';
import { verifyJoinToken } from '../../../src/video/links.js';
import { call } from '../../api/support.js';
import type { DatabaseKind } from '../../support/databases.js';
import { rawRows } from '../../support/sql.js';
import { LINK_SECRET, TEAM, startSlackTestApp, testConfig, type SlackTestApp } from '../../slack/support/slack-app.js';
import { FakeSlack } from '../../slack/support/fake-slack.js';
import { SmtpCatcher, type CaughtEmail } from './smtp-catcher.js';

export const MAIL_FROM = 'Meetings <meetings@meet.test>';

export interface EmailTestApp extends SlackTestApp {
  /** An API key of the team. */
  key: string;
}

/**
 * The whole app (Slack configured, msw answering it) with email on, sending to `smtp` (unless
 * `email` says otherwise); Ana
 * (organizer, Europe/London) and Ben (host, America/New_York) registered through the API.
 */
export async function startEmailTestApp(kind: DatabaseKind, now: Date, smtp: SmtpCatcher, email: Partial<Config['email']> = {}): Promise<EmailTestApp> {
  const config = { ...testConfig(), email: { smtpUrl: smtp.url, from: MAIL_FROM, ...email } };
  const t = await startSlackTestApp(kind, now, { config });
  const key = (await createApiKey(t.handle.db, { teamId: TEAM, name: 'helpdesk' })).key;
  for (const [id, person] of Object.entries(PEOPLE)) {
    const answer = await call(t.app, 'PUT', `/api/meetings/availability/people/${id}`, { key, body: person });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  }
  return { ...t, key };
}

export const PEOPLE = {
  U0ANA: { name: 'Ana Alvarez', email: 'ana@example.com', timeZone: 'Europe/London' },
  U0BEN: { name: 'Ben Brown', email: 'ben@example.com', timeZone: 'America/New_York' },
};

/** Slack's view of the same people (msw answers users.info with these). */
export const SLACK_PEOPLE = {
  U0ANA: { tz: PEOPLE.U0ANA.timeZone, name: PEOPLE.U0ANA.name },
  U0BEN: { tz: PEOPLE.U0BEN.timeZone, name: PEOPLE.U0BEN.name },
};

/** Slack's Web API answered by msw for the whole test file (the app tells Slack of every booking too). */
export function useFakeSlack(): FakeSlack {
  const slack = new FakeSlack(SLACK_PEOPLE);
  beforeAll(() => slack.listen());
  afterEach(async () => {
    await slack.settle();
    slack.reset();
  });
  afterAll(() => slack.close());
  return slack;
}

/** For the enclosing describe: a mail server, and the app (started at `now`) sending to it. */
export function useEmailApp(kind: DatabaseKind, now: Date, email: Partial<Config['email']> = {}): { smtp: SmtpCatcher; app: () => EmailTestApp } {
  const smtp = new SmtpCatcher();
  let t: EmailTestApp | undefined;
  beforeAll(async () => {
    await smtp.start();
    t = await startEmailTestApp(kind, now, smtp, email);
  });
  afterAll(async () => {
    await t?.handle.close();
    await smtp.stop();
  });
  return { smtp, app: () => t! };
}

export const SAM = { name: 'Sam Customer', email: 'sam@example.org', timeZone: 'America/New_York' };
export const KIM = { name: 'Kim Client', email: 'kim@example.net' };

/** Books the 30-minute type through the API: Ana organizes, Ben hosts, the guests given. */
export async function bookThroughApi(t: EmailTestApp, input: { start: string; guests: unknown[]; title?: string; notes?: string }): Promise<any> {
  const types = await call(t.app, 'GET', '/api/meetings/meeting-types', { key: t.key });
  const type = types.body.meetingTypes.find((m: any) => m.durationMinutes === 30);
  const answer = await call(t.app, 'POST', '/api/meetings/bookings', {
    key: t.key,
    body: { meetingTypeId: type.id, organizerId: 'U0ANA', hostIds: ['U0BEN'], start: input.start, guests: input.guests, title: input.title ?? 'Onboarding call', notes: input.notes },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body.booking;
}

/** A guest's id (kept through moves) and the meeting's, from the database. */
export async function guestIdOf(t: SlackTestApp, bookingId: string, email: string): Promise<{ guestId: string; meetingId: string }> {
  const [row] = await rawRows<{ guest_id: string; meeting_id: string }>(
    t.handle.db,
    sql`select p.guest_id, b.meeting_id from meeting_participants p join bookings b on b.id = p.booking_id where p.booking_id = ${bookingId} and p.guest_email = ${email}`,
  );
  return { guestId: row!.guest_id, meetingId: row!.meeting_id };
}

export interface ParsedInvite {
  /** The method parameter of the text/calendar part's Content-Type. */
  contentTypeMethod: string | undefined;
  method: string;
  uid: string;
  sequence: number;
  status: string;
  summary: string;
  location: string | null;
  dtstart: Date;
  dtend: Date;
  organizer: { cn: string; address: string };
  attendees: { cn: string; address: string; partstat: string }[];
}

/** The invitation in an email (the text/calendar alternative), parsed with ical.js; the .ics attachment must say the same. */
export function inviteOf(email: CaughtEmail): ParsedInvite {
  const part = email.parsed.attachments.find((a) => a.contentType === 'text/calendar');
  expect(part, 'a text/calendar part').toBeDefined();
  const file = email.parsed.attachments.find((a) => a.filename === 'invite.ics');
  expect(file?.content.toString('utf8')).toBe(part!.content.toString('utf8'));
  const contentType = part!.headers.get('content-type') as { params?: Record<string, string> } | undefined;
  const calendar = new ICAL.Component(ICAL.parse(part!.content.toString('utf8')));
  const event = calendar.getFirstSubcomponent('vevent')!;
  const person = (property: ICAL.Property) => ({
    cn: String(property.getParameter('cn')),
    address: String(property.getFirstValue()).replace(/^mailto:/i, ''),
    partstat: String(property.getParameter('partstat')),
  });
  const organizer = person(event.getFirstProperty('organizer')!);
  return {
    contentTypeMethod: contentType?.params?.method,
    method: String(calendar.getFirstPropertyValue('method')),
    uid: String(event.getFirstPropertyValue('uid')),
    sequence: Number(event.getFirstPropertyValue('sequence')),
    status: String(event.getFirstPropertyValue('status')),
    summary: String(event.getFirstPropertyValue('summary')),
    location: (event.getFirstPropertyValue('location') as string | null) ?? null,
    dtstart: (event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate(),
    dtend: (event.getFirstPropertyValue('dtend') as ICAL.Time).toJSDate(),
    organizer: { cn: organizer.cn, address: organizer.address },
    attendees: event.getAllProperties('attendee').map(person),
  };
}

/** The join and manage links in an email's plain text, checked to be the same in its HTML. */
export function linksOf(email: CaughtEmail): { join?: URL; manage?: URL } {
  const text = email.parsed.text ?? '';
  const join = /https:\/\/meet\.test\/m\/\S+/.exec(text)?.[0];
  const manage = /https:\/\/meet\.test\/book\/manage\/\S+/.exec(text)?.[0];
  const html = String(email.parsed.html ?? '');
  if (join) expect(html).toContain(`href="${join}"`);
  if (manage) expect(html).toContain(`href="${manage}"`);
  return { join: join ? new URL(join) : undefined, manage: manage ? new URL(manage) : undefined };
}

/** Checks the links name this guest: the join link their own (for `bookingId`), the manage link their meeting. */
export async function expectGuestLinks(email: CaughtEmail, expected: { bookingId: string; meetingId: string; guestId: string }): Promise<void> {
  const { join, manage } = linksOf(email);
  expect(join, 'a join link').toBeDefined();
  expect(manage, 'a manage link').toBeDefined();
  expect(join!.pathname).toBe(`/m/${expected.bookingId}`);
  expect(await verifyJoinToken(LINK_SECRET, join!.searchParams.get('k')!)).toMatchObject({
    teamId: TEAM,
    bookingId: expected.bookingId,
    participant: `guest:${expected.guestId}`,
  });
  const token = manage!.pathname.replace('/book/manage/', '');
  expect(await verifyManageToken(LINK_SECRET, token)).toEqual({ teamId: TEAM, meetingId: expected.meetingId, guestId: expected.guestId });
}

export interface ReminderRow {
  booking_id: string;
  guest_id: string;
  status: string;
  send_at: Date | string;
  attempts: number;
}

export async function remindersOf(t: SlackTestApp, meetingId: string): Promise<ReminderRow[]> {
  return rawRows<ReminderRow>(t.handle.db, sql`select booking_id, guest_id, status, send_at, attempts from guest_reminders where meeting_id = ${meetingId} order by created_at`);
}

export async function guestEmailRows(t: SlackTestApp, meetingId: string): Promise<{ kind: string; status: string; recipient: string; booking_id: string; error: string | null }[]> {
  return rawRows(t.handle.db, sql`select kind, status, recipient, booking_id, error from guest_emails where meeting_id = ${meetingId} order by created_at`);
}

export async function emailDeliveries(t: SlackTestApp, meetingId: string): Promise<{ kind: string; status: string; attempts: number; last_error: string | null }[]> {
  return rawRows(
    t.handle.db,
    sql`select e.kind, d.status, d.attempts, d.last_error from event_deliveries d join booking_events e on e.id = d.event_id
        where d.handler = 'email' and d.meeting_id = ${meetingId} order by e.id`,
  );
}
