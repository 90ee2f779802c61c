import { z } from 'zod';
import { GUEST_EMAIL_MAX, GUEST_NAME_MAX } from '../core/bookings/public-form.js';
import { externalReferenceSchema, type ExternalReference } from '../core/bookings/schemas.js';

/**
 * A booking page opened by embed.js inside another site's page (`?embed=1&parentOrigin=<origin>`):
 * it may be framed, drops its outer chrome, and tells the embedding page its height and what the
 * visitor did. Its messages go to `parentOrigin` only; the browser delivers them only when the
 * parent really is that origin, so a page that names another origin hears nothing.
 */
export interface EmbedMode {
  /** The embedding page's origin, or null when none was given (then only its height is posted). */
  parentOrigin: string | null;
}

/** What the framed page tells its parent once, on the page the visitor's action led to. */
export interface EmbedEvent {
  type: 'booked' | 'rescheduled' | 'cancelled';
  booking: { id: string; start: string; end: string; previousId?: string };
}

/** The JSON the layout puts in an embedded page for web/src/booking/embed-frame.ts. */
export interface EmbedFrameData {
  parentOrigin: string | null;
  /** The query that keeps the next page embedded (`embed=1&parentOrigin=…`). */
  query: string;
  event?: EmbedEvent;
}

export function embedModeOf(query: (name: string) => string | undefined): EmbedMode | undefined {
  if (query('embed') !== '1') return undefined;
  return { parentOrigin: originOf(query('parentOrigin')) };
}

/** `embed=1&parentOrigin=…`, to carry the embed through links, redirects and the confirmation. */
export function embedQuery(embed: EmbedMode | undefined): string {
  if (!embed) return '';
  return `embed=1${embed.parentOrigin ? `&parentOrigin=${encodeURIComponent(embed.parentOrigin)}` : ''}`;
}

/** Adds the embed's query to a path (which may have a query of its own). */
export function withEmbed(path: string, embed: EmbedMode | undefined): string {
  const query = embedQuery(embed);
  return query ? `${path}${path.includes('?') ? '&' : '?'}${query}` : path;
}

function originOf(value: string | undefined): string | null {
  if (!value || value.length > 300) return null;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value ? url.origin : null;
  } catch {
    return null;
  }
}

/** What the embedding page (or a link's query) fills in: the visitor's name and email, the ticket the meeting is about. */
export interface Prefill {
  name?: string;
  email?: string;
  externalReference?: ExternalReference;
}

const prefillQuery = z.object({
  name: z.string().max(GUEST_NAME_MAX, `name: must be at most ${GUEST_NAME_MAX} characters`).optional(),
  email: z.string().max(GUEST_EMAIL_MAX, `email: must be at most ${GUEST_EMAIL_MAX} characters`).optional(),
  ticket: z.string().optional(),
  ticketUrl: z.string().optional(),
});

/**
 * The prefill from `?name=&email=&ticket=&ticketUrl=`, or what is wrong with it. The ticket is
 * checked by the same schema as the API's externalReference, so a reference the booking would
 * refuse is refused before the visitor fills in anything.
 */
export function prefillOf(query: Record<string, string>): { prefill: Prefill } | { error: string } {
  const parsed = prefillQuery.safeParse(query);
  if (!parsed.success) return { error: parsed.error.issues[0]!.message };
  const { name, email, ticket, ticketUrl } = parsed.data;
  const prefill: Prefill = { name: name?.trim() || undefined, email: email?.trim() || undefined };
  if (ticketUrl && !ticket) return { error: 'ticketUrl: give the ticket too (ticket=<its id>)' };
  if (ticket) {
    const reference = externalReferenceSchema.safeParse({ id: ticket, url: ticketUrl || undefined });
    if (!reference.success) {
      const issue = reference.error.issues[0]!;
      return { error: `${issue.path[0] === 'url' ? 'ticketUrl' : 'ticket'}: ${issue.message}` };
    }
    prefill.externalReference = reference.data;
  }
  return { prefill };
}
