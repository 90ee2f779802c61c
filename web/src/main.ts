import type * as TwilioVideo from 'twilio-video';
import type { CallPageMeeting } from '../../src/video/page-html.js';
import { CallView } from './call-view.js';
import { byId, say, show } from './dom.js';
import { formatClock, formatCountdown, formatMeetingTime } from './format.js';
import { describeConnectError } from './media-errors.js';
import { LocalMedia } from './prejoin.js';

declare global {
  interface Window {
    Twilio?: { Video: typeof TwilioVideo };
  }
}

interface TokenAnswer {
  token: string;
  identity: string;
  displayName: string;
  roomName: string;
  names: Record<string, string>;
}

type TokenResult = { ok: true; answer: TokenAnswer } | { ok: false; message: string; opensAt?: Date };

const UNAVAILABLE = 'The video service is not available right now, so the call cannot start. Try again later, or tell the organizer.';

const meeting = JSON.parse(byId('meeting-data').textContent!) as CallPageMeeting;
// The server's clock decides when the call opens; the device's may be off.
const skewMs = new Date(meeting.serverNow).getTime() - Date.now();
const serverNow = () => new Date(Date.now() + skewMs);

const notice = byId('notice');
const joinForm = byId<HTMLFormElement>('join-form');
const joinButton = byId<HTMLButtonElement>('join');
const countdown = byId('countdown');
const nameInput = document.getElementById('guest-name') as HTMLInputElement | null;
const media = new LocalMedia();
let opensAt = new Date(meeting.opensAt);
let countdownTimer: number | undefined;
let joining = false;

byId('meeting-time').textContent = formatMeetingTime(new Date(meeting.startsAt), new Date(meeting.endsAt));
void media.start().then(() => {
  if (!meeting.videoAvailable) say(notice, UNAVAILABLE);
});
if (!meeting.videoAvailable) {
  say(notice, UNAVAILABLE);
  joinButton.disabled = true;
} else {
  tick();
}

joinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void join();
});

/** Counts down to the opening of the join window; the Join button waits for it. */
function tick(): void {
  window.clearTimeout(countdownTimer);
  const wait = opensAt.getTime() - serverNow().getTime();
  if (wait <= 0) {
    show(countdown, false);
    joinButton.disabled = joining;
    return;
  }
  joinButton.disabled = true;
  countdown.textContent = `The call opens in ${formatCountdown(wait)}, at ${formatClock(opensAt)}.`;
  show(countdown, true);
  countdownTimer = window.setTimeout(tick, Math.min(1000, wait % 1000 || 1000));
}

async function join(): Promise<void> {
  if (joining) return;
  const name = nameInput?.value.trim();
  if (nameInput && !name) {
    say(notice, 'Type your name so the others know who joined.');
    nameInput.focus();
    return;
  }
  const video = window.Twilio?.Video;
  if (!video) {
    say(notice, UNAVAILABLE);
    return;
  }
  joining = true;
  joinButton.disabled = true;
  joinButton.textContent = 'Joining…';
  try {
    const result = await requestToken(name);
    if (!result.ok) {
      say(notice, result.message);
      if (result.opensAt) {
        opensAt = result.opensAt;
      }
      return;
    }
    const tracks = media.tracks();
    let room: TwilioVideo.Room;
    try {
      room = await video.connect(result.answer.token, {
        name: result.answer.roomName,
        tracks,
        dominantSpeaker: true,
        networkQuality: { local: 1, remote: 1 },
      });
    } catch (error) {
      say(notice, describeConnectError(error));
      return;
    }
    if (!media.micOn) room.localParticipant.audioTracks.forEach((pub) => pub.track.disable());
    media.release();
    enterCall(room, result.answer, tracks.find((t) => t.kind === 'video') ?? null);
  } finally {
    joining = false;
    joinButton.textContent = 'Join';
    if (meeting.videoAvailable) tick();
  }
}

async function requestToken(name: string | undefined): Promise<TokenResult> {
  let response: Response;
  try {
    response = await fetch(meeting.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ k: meeting.linkToken, ...(name ? { name } : {}) }),
    });
  } catch {
    return { ok: false, message: 'This page could not reach the server. Check your internet connection and try again.' };
  }
  const body = (await response.json().catch(() => null)) as (TokenAnswer & { error?: { code: string; message: string }; opensAt?: string }) | null;
  if (response.ok && body?.token) return { ok: true, answer: body };
  const code = body?.error?.code;
  if (code === 'meeting_not_open' && body?.opensAt) {
    return { ok: false, message: 'The call is not open yet.', opensAt: new Date(body.opensAt) };
  }
  if (response.status === 503) {
    return { ok: false, message: code === 'video_unconfigured' ? UNAVAILABLE : 'The video service could not be reached just now. Please try again in a moment.' };
  }
  return { ok: false, message: body?.error?.message ?? `Joining failed (HTTP ${response.status}). Try again in a moment.` };
}

function enterCall(room: TwilioVideo.Room, answer: TokenAnswer, cameraTrack: MediaStreamTrack | null): void {
  show(byId('prejoin'), false);
  show(byId('call'), true);
  document.body.classList.add('in-call');
  const names = { ...answer.names, [answer.identity]: answer.displayName };
  new CallView(room, names, leave, cameraTrack).start();
}

function leave(reason: string): void {
  media.stop();
  show(byId('call'), false);
  document.body.classList.remove('in-call', 'presenting');
  byId('left-reason').textContent = reason;
  show(byId('left'), true);
}

byId('rejoin').addEventListener('click', () => window.location.reload());
