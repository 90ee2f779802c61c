/** The HTML of the call page and of the page that refuses a link. Pure functions: no I/O. */

export interface CallPageMeeting {
  bookingId: string;
  /** The join link token, sent back with the token request. */
  linkToken: string;
  title: string;
  startsAt: string;
  endsAt: string;
  opensAt: string;
  closesAt: string;
  /** Who is joining (a member, or a guest with their own link); null for the shared guest link, where the person types a name. */
  memberName: string | null;
  videoAvailable: boolean;
  tokenUrl: string;
  /** The server's clock, so a countdown is right even when the device's clock is off. */
  serverNow: string;
}

const ASSET_VERSION = '1';

export function renderCallPage(meeting: CallPageMeeting): string {
  const json = JSON.stringify(meeting).replace(/</g, '\\u003c');
  const guest = meeting.memberName === null;
  return page(
    meeting.title,
    `<main id="app">
  <section id="prejoin" aria-labelledby="meeting-title">
    <header class="meeting">
      <h1 id="meeting-title">${escapeHtml(meeting.title)}</h1>
      <p id="meeting-time" class="when">&nbsp;</p>
    </header>
    <div id="notice" class="notice" role="alert" hidden></div>
    <div class="preview-box">
      <video id="preview" autoplay muted playsinline aria-label="Your camera preview"></video>
      <div id="preview-off" class="camera-off" hidden>Your camera is off</div>
    </div>
    <div class="devices">
      <label>Microphone <select id="mic-select" aria-label="Microphone"></select></label>
      <label>Camera <select id="camera-select" aria-label="Camera"></select></label>
    </div>
    <div class="toggles">
      <button type="button" id="toggle-mic" aria-pressed="false">Mute microphone</button>
      <button type="button" id="toggle-camera" aria-pressed="false">Turn camera off</button>
    </div>
    <form id="join-form" novalidate>
      ${
        guest
          ? `<label class="guest-name">Your name <input id="guest-name" name="name" autocomplete="name" maxlength="80" required placeholder="The name others will see"></label>`
          : `<p class="joining-as">Joining as <strong>${escapeHtml(meeting.memberName!)}</strong></p>`
      }
      <button type="submit" id="join" class="primary">Join</button>
      <p id="countdown" class="countdown" aria-live="polite" hidden></p>
    </form>
  </section>
  <section id="call" aria-label="Call" hidden>
    <div id="reconnecting" class="banner" role="status" hidden>Connection lost. Reconnecting…</div>
    <div id="call-notice" class="notice" role="alert" hidden></div>
    <div id="stage" class="stage" hidden></div>
    <div id="tiles" class="tiles"></div>
    <p id="roster-news" class="sr-news" aria-live="polite"></p>
    <nav class="controls" aria-label="Call controls">
      <button type="button" id="call-mic" aria-pressed="false">Mute</button>
      <button type="button" id="call-camera" aria-pressed="false">Stop camera</button>
      <button type="button" id="call-share">Share screen</button>
      <button type="button" id="call-stop-share" hidden>Stop sharing</button>
      <button type="button" id="call-leave" class="danger">Leave</button>
    </nav>
  </section>
  <section id="left" class="left" hidden>
    <h2>You left the call</h2>
    <p id="left-reason"></p>
    <button type="button" id="rejoin">Rejoin</button>
  </section>
</main>
<script type="application/json" id="meeting-data">${json}</script>
<script src="/assets/twilio-video.min.js?v=${ASSET_VERSION}"></script>
<script src="/assets/call.js?v=${ASSET_VERSION}"></script>`,
  );
}

/** A refused link: what happened and what to do, with no call UI. */
export function renderRefusalPage(heading: string, message: string): string {
  return page(
    heading,
    `<main class="refusal">
  <h1>${escapeHtml(heading)}</h1>
  <p id="refusal-message">${escapeHtml(message)}</p>
</main>`,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · Meetings for Slack</title>
<link rel="stylesheet" href="/assets/call.css?v=${ASSET_VERSION}">
</head>
<body>
${body}
</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
