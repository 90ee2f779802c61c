import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppDeps } from '../app.js';
import { decideJoin, resolveJoinLink } from './access.js';
import { LinkError, linkErrorMessages, type LinkErrorCode } from './links.js';
import { renderCallPage, renderRefusalPage } from './page-html.js';
import { settleEndedRoom } from './room-lifecycle.js';
import { twilioCredentials } from './twilio-rooms.js';

const refusals: Record<LinkErrorCode, { status: ContentfulStatusCode; heading: string }> = {
  malformed: { status: 400, heading: 'This link is incomplete' },
  forged: { status: 403, heading: 'This link is not valid' },
  expired: { status: 410, heading: 'This link has expired' },
  wrong_booking: { status: 403, heading: 'This link is for another meeting' },
  not_found: { status: 404, heading: 'Meeting not found' },
  cancelled: { status: 410, heading: 'This meeting was cancelled' },
  not_participant: { status: 403, heading: 'You are no longer in this meeting' },
  meeting_over: { status: 410, heading: 'This link has expired' },
};

/** What web/build.mjs writes to web/dist, and nothing else from there. */
const assets: Record<string, string> = {
  'call.js': 'text/javascript; charset=utf-8',
  'call.js.map': 'application/json; charset=utf-8',
  'call.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
  'twilio-video.min.js': 'text/javascript; charset=utf-8',
  // Background blur, loaded only when someone turns it on: the effects bundle and Twilio's video
  // processors' worker, TensorFlow Lite runtime (WebAssembly) and segmentation model.
  'call-effects.js': 'text/javascript; charset=utf-8',
  'call-effects.js.map': 'application/json; charset=utf-8',
  'twilio-gaussian-blur-background-processor-pipeline-worker.js': 'text/javascript; charset=utf-8',
  'tflite-1-0-0.js': 'text/javascript; charset=utf-8',
  'tflite-1-0-0.wasm': 'application/wasm',
  'tflite-simd-1-0-0.js': 'text/javascript; charset=utf-8',
  'tflite-simd-1-0-0.wasm': 'application/wasm',
  'selfie_segmentation_landscape.tflite': 'application/octet-stream',
};

// The link token is in the URL: never send it on as a referrer, never cache the page.
const pageHeaders = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'content-security-policy':
    // 'wasm-unsafe-eval' lets the background blur compile its WebAssembly (no JavaScript eval).
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:; connect-src 'self' https://*.twilio.com wss://*.twilio.com; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

/** The web pages: the call page at /m/:bookingId and its static assets. */
export function videoPages(deps: AppDeps): Hono {
  const pages = new Hono();
  const now = () => deps.now?.() ?? new Date();

  pages.get('/m/:bookingId', async (c) => {
    const bookingId = c.req.param('bookingId');
    const k = c.req.query('k');
    const at = now();
    try {
      const access = await resolveJoinLink(deps.db, deps.config.linkSecret, bookingId, k, at);
      const decision = await decideJoin(access, at, twilioCredentials(deps.config.twilio));
      // Recorded with its meeting.ended event, which tells Slack.
      if (decision.window !== 'open' && decision.endedRoom) await settleEndedRoom(deps.db, access.teamId, decision.endedRoom, at);
      if (decision.window === 'over') throw new LinkError('meeting_over');
      const html = renderCallPage({
        bookingId,
        linkToken: k!,
        title: access.booking.title,
        startsAt: access.booking.startsAt.toISOString(),
        endsAt: access.booking.endsAt.toISOString(),
        opensAt: access.opensAt.toISOString(),
        closesAt: access.closesAt.toISOString(),
        joinOpen: decision.window === 'open',
        memberName: access.participant.name ?? null,
        videoAvailable: Boolean(twilioCredentials(deps.config.twilio)),
        tokenUrl: `/api/meetings/rooms/${encodeURIComponent(bookingId)}/token`,
        statusUrl: `/api/meetings/rooms/${encodeURIComponent(bookingId)}/status`,
        serverNow: at.toISOString(),
      });
      return c.html(html, 200, pageHeaders);
    } catch (error) {
      if (!(error instanceof LinkError)) throw error;
      return refuse(c, error.code);
    }
  });

  pages.get('/assets/:name', async (c) => {
    const name = c.req.param('name');
    const type = assets[name];
    if (!type) return c.text('Not found', 404);
    // Node only: on Cloudflare Workers, wrangler's [assets] serves web/dist before the Worker runs.
    const { readFile } = await import('node:fs/promises');
    try {
      const body = await readFile(new URL(`../../web/dist/${name}`, import.meta.url));
      return c.body(body, 200, { 'content-type': type, 'cache-control': 'public, max-age=300', 'x-content-type-options': 'nosniff' });
    } catch {
      return c.text(`${name} is not built: run npm run build:web`, 404);
    }
  });

  return pages;
}

function refuse(c: Context, code: LinkErrorCode): Response {
  const { status, heading } = refusals[code];
  return c.html(renderRefusalPage(heading, linkErrorMessages[code]), status, pageHeaders);
}
