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
  /** Whether the call can be joined now: the scheduled window is open, or the call is still going outside it. */
  joinOpen: boolean;
  /** Who is joining (a member, or a guest with their own link); null for the shared guest link, where the person types a name. */
  memberName: string | null;
  videoAvailable: boolean;
  tokenUrl: string;
  /** Where the page asks what became of the meeting and who is in the call. */
  statusUrl: string;
  /** The server's clock, so a countdown is right even when the device's clock is off. */
  serverNow: string;
}

const ASSET_VERSION = '2';

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
    <div class="level-row">
      <label for="mic-level">Microphone level</label>
      <meter id="mic-level" min="0" max="100" low="15" high="85" optimum="50" value="0">0%</meter>
    </div>
    <div class="devices">
      <label>Microphone <select id="mic-select"></select></label>
      <label>Camera <select id="camera-select"></select></label>
      <div id="speaker-field" class="speaker-field" hidden>
        <label>Speaker <select id="speaker-select"></select></label>
        <button type="button" id="test-sound">Play test sound</button>
      </div>
    </div>
    <div class="toggles">
      <button type="button" id="toggle-mic" aria-pressed="false">Mute microphone</button>
      <button type="button" id="toggle-camera" aria-pressed="false">Turn camera off</button>
    </div>
    <p id="in-call-now" class="in-call-now" aria-live="polite"></p>
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
  <section id="call" aria-labelledby="call-title" hidden>
    <header class="call-bar">
      <h2 id="call-title">${escapeHtml(meeting.title)}</h2>
      <span class="elapsed-box">Elapsed <span id="elapsed" role="timer" aria-label="Time in the call">0:00</span></span>
    </header>
    <div id="reconnecting" class="banner" role="status" hidden>Connection lost. Reconnecting…</div>
    <div id="call-notice" class="notice" role="alert" hidden></div>
    <div id="moved-notice" class="notice" data-tone="info" role="status" hidden></div>
    <div id="muted-hint" class="muted-hint" role="status" hidden>You are muted. <button type="button" id="muted-hint-unmute">Unmute</button></div>
    <div class="call-body">
      <div id="gallery" class="gallery">
        <div id="stage" class="stage" hidden></div>
        <div id="tiles" class="tiles" aria-label="Participants' video" role="region"></div>
      </div>
      <aside id="panel" class="panel" aria-label="Side panel" hidden>
        <section id="people-panel" aria-labelledby="people-heading" hidden>
          <div class="panel-head"><h3 id="people-heading">People</h3><button type="button" class="panel-close" data-close="people">Close people</button></div>
          <ul id="people-list" class="people-list"></ul>
        </section>
        <section id="chat-panel" aria-labelledby="chat-heading" hidden>
          <div class="panel-head"><h3 id="chat-heading">Chat</h3><button type="button" class="panel-close" data-close="chat">Close chat</button></div>
          <ol id="chat-log" class="chat-log" aria-live="polite"></ol>
          <form id="chat-form" class="chat-form">
            <label for="chat-input" class="sr-only">Message to everyone</label>
            <input id="chat-input" maxlength="1000" autocomplete="off" placeholder="Message everyone">
            <button type="submit">Send</button>
          </form>
        </section>
      </aside>
    </div>
    <p id="roster-news" class="sr-only" aria-live="polite"></p>
    <nav class="controls" aria-label="Call controls">
      <button type="button" id="call-mic" aria-pressed="false" aria-keyshortcuts="M">Mute</button>
      <button type="button" id="call-camera" aria-pressed="false" aria-keyshortcuts="V">Stop camera</button>
      <button type="button" id="call-flip" hidden>Flip camera</button>
      <button type="button" id="call-hand" aria-pressed="false" aria-keyshortcuts="H">Raise hand</button>
      <button type="button" id="call-chat" aria-expanded="false" aria-controls="chat-panel" aria-keyshortcuts="C">Chat</button>
      <div id="more-controls" class="more">
        <button type="button" id="call-people" aria-expanded="false" aria-controls="people-panel" aria-keyshortcuts="P">People</button>
        <button type="button" id="call-share">Share screen</button>
        <button type="button" id="call-stop-share" hidden>Stop sharing</button>
        <button type="button" id="call-settings" aria-haspopup="dialog">Settings</button>
        <button type="button" id="call-fullscreen" aria-pressed="false" aria-keyshortcuts="F">Full screen</button>
        <button type="button" id="call-shortcuts" aria-expanded="false" aria-controls="shortcuts" aria-keyshortcuts="Shift+?">Keyboard shortcuts</button>
      </div>
      <button type="button" id="call-more" class="more-toggle" aria-expanded="false" aria-controls="more-controls">More</button>
      <button type="button" id="call-leave" class="danger" aria-keyshortcuts="Shift+L">Leave</button>
    </nav>
    <div id="shortcuts" class="popover" role="dialog" aria-labelledby="shortcuts-heading" hidden>
      <h3 id="shortcuts-heading">Keyboard shortcuts</h3>
      <dl>
        <dt><kbd>M</kbd></dt><dd>Mute or unmute the microphone</dd>
        <dt><kbd>V</kbd></dt><dd>Turn the camera off or on</dd>
        <dt><kbd>H</kbd></dt><dd>Raise or lower your hand</dd>
        <dt><kbd>C</kbd></dt><dd>Open or close the chat</dd>
        <dt><kbd>P</kbd></dt><dd>Show or hide the people</dd>
        <dt><kbd>F</kbd></dt><dd>Full screen</dd>
        <dt><kbd>Shift</kbd> + <kbd>L</kbd></dt><dd>Leave the call</dd>
        <dt><kbd>?</kbd></dt><dd>Show these shortcuts</dd>
        <dt><kbd>Esc</kbd></dt><dd>Close this list</dd>
      </dl>
      <button type="button" id="shortcuts-close">Close</button>
    </div>
    <dialog id="settings" aria-labelledby="settings-heading">
      <form method="dialog" class="settings-form">
        <h3 id="settings-heading">Settings</h3>
        <label>Microphone <select id="call-mic-select"></select></label>
        <label>Camera <select id="call-camera-select"></select></label>
        <label id="call-speaker-field" hidden>Speaker <select id="call-speaker-select"></select></label>
        <label id="noise-field" class="check" hidden><input type="checkbox" id="noise-suppression" checked> Noise suppression</label>
        <label id="blur-field" class="check" hidden><input type="checkbox" id="background-blur"> Blur my background</label>
        <p id="effects-status" class="effects-status" aria-live="polite"></p>
        <button type="submit" id="settings-close">Done</button>
      </form>
    </dialog>
  </section>
  <section id="left" class="left" aria-labelledby="left-heading" hidden>
    <h2 id="left-heading">You left the call</h2>
    <p id="left-reason"></p>
    <button type="button" id="rejoin">Rejoin</button>
  </section>
</main>
<script type="application/json" id="meeting-data">${json}</script>
<script src="/assets/call.js?v=${ASSET_VERSION}" defer></script>
<script src="/assets/twilio-video.min.js?v=${ASSET_VERSION}" id="twilio-video-script" defer></script>`,
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
<link rel="icon" href="/assets/favicon.svg?v=${ASSET_VERSION}" type="image/svg+xml">
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
