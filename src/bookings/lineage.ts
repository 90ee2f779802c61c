import { sql } from 'drizzle-orm';
import { isUuid } from '../core/ids.js';
import type { Database } from '../db/client.js';
import { withTeam, type Queryable } from '../db/tenant.js';

/**
 * A meeting as a chain of bookings: a reschedule writes a new booking and links the two with
 * rescheduled_from_id / rescheduled_to_id. Everything that belongs to the meeting rather than to one
 * of its bookings (the calendar UID, the video room) is keyed by the meeting's first booking.
 */
export interface BookingLineage {
  /** The meeting's first booking: the meeting's id. */
  rootId: string;
  /** How many times it was moved to reach `currentId`. */
  sequence: number;
  /** The meeting as it stands now (following moves forward). */
  currentId: string;
  /** Every booking of the meeting, first to current. */
  ids: string[];
}

const MAX_HOPS = 50;

/** One query: the chain back to the first booking and forward to the current one (row level security applies). */
export async function meetingLineage(q: Queryable, bookingId: string): Promise<BookingLineage | null> {
  if (!isUuid(bookingId)) return null;
  const rows = (await q.execute(sql`
    with recursive
      back(id, from_id, depth) as (
        select id, rescheduled_from_id, 0 from bookings where id = ${bookingId}::uuid
        union all
        select b.id, b.rescheduled_from_id, back.depth - 1 from bookings b join back on b.id = back.from_id where back.depth > ${-MAX_HOPS}
      ),
      fwd(id, to_id, depth) as (
        select id, rescheduled_to_id, 0 from bookings where id = ${bookingId}::uuid
        union all
        select b.id, b.rescheduled_to_id, fwd.depth + 1 from bookings b join fwd on b.id = fwd.to_id where fwd.depth < ${MAX_HOPS}
      )
    select id::text as id, depth from back
    union
    select id::text as id, depth from fwd
    order by depth`)) as unknown as { rows?: { id: string; depth: number }[] } | { id: string; depth: number }[];
  const list = (Array.isArray(rows) ? rows : (rows.rows ?? [])).map((r) => ({ id: r.id, depth: Number(r.depth) }));
  if (list.length === 0) return null;
  const ids = list.map((r) => r.id);
  return { rootId: ids[0]!, currentId: ids[ids.length - 1]!, sequence: ids.length - 1, ids };
}

/** meetingLineage in its own tenant transaction. */
export async function loadLineage(db: Database, teamId: string, bookingId: string): Promise<BookingLineage | null> {
  return withTeam(db, teamId, (tx) => meetingLineage(tx, bookingId));
}
