import type * as TwilioVideo from 'twilio-video';
import type { CallPageMeeting } from '../../src/video/page-html.js';
import { requestStatus, requestToken, UNAVAILABLE, type MeetingStatus, type TokenAnswer } from './api.js';
import { CallView } from './call-view.js';
import { deviceId } from './device-id.js';
import { byId, say, show } from './dom.js';
import { formatClock, formatCountdown, formatMeetingTime } from './format.js';
import { describeConnectError, isRecoverable } from './media-errors.js';
import { listNames } from './names.js';
import { LocalMedia } from './prejoin.js';

/** twilio-video, from its own script tag (window.Twilio.Video). */
function twilioVideo(): typeof TwilioVideo | undefined {
  return (window as unknown as { Twilio?: { Video?: typeof TwilioVideo } }).Twilio?.Video;
}

/**
 * twilio-video's script runs after this one (both deferred), so the camera preview starts before
 * the browser parses the larger library; joining waits for it when someone is that quick.
 */
async function loadedTwilioVideo(): Promise<typeof TwilioVideo | undefined> {
  const script = document.getElementById('twilio-video-script');
  if (twilioVideo() || !script) return twilioVideo();
  await new Promise((resolve) => {
    script.addEventListener('load', resolve, { once: true });
    script.addEventListener('error', resolve, { once: true });
    window.setTimeout(resolve, 15_000);
  });
  return twilioVideo();
}

const PRESENCE_POLL_MS = 15_000;
const MEETING_POLL_MS = 60_000;
const RECONNECT_DELAYS_MS = [0, 1000, 2000, 4000, 8000, 15000];
const GUEST_NAME_KEY = 'meetings-guest-name';

const meeting = JSON.parse(byId('meeting-data').textContent!) as CallPageMeeting;
// The server's clock decides when the call opens; the device's may be off.
let skewMs = new Date(meeting.serverNow).getTime() - Date.now();
const serverNow = () => new Date(Date.now() + skewMs);
const device = deviceId();

const notice = byId('notice');
const joinForm = byId<HTMLFormElement>('join-form');
const joinButton = byId<HTMLButtonElement>('join');
const countdown = byId('countdown');
const inCallNow = byId('in-call-now');
const nameInput = document.getElementById('guest-name') as HTMLInputElement | null;
const media = new LocalMedia();
let opensAt = meeting.joinOpen ? new Date(0) : new Date(meeting.opensAt);
let startsAt = meeting.startsAt;
let countdownTimer: number | undefined;
let presenceTimer: number | undefined;
let meetingTimer: number | undefined;
let joining = false;
let cancelled = false;
let session: CallSession | null = null;

byId('meeting-time').textContent = formatMeetingTime(new Date(meeting.startsAt), new Date(meeting.endsAt));
if (nameInput) nameInput.value = rememberedGuestName();
if (!meeting.videoAvailable) media.standing = UNAVAILABLE;
void media.start();
if (!meeting.videoAvailable) {
  say(notice, UNAVAILABLE);
  joinButton.disabled = true;
} else {
  tick();
  void showWhoIsHere();
}

joinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void join();
});
byId('rejoin').addEventListener('click', () => window.location.reload());

/** Counts down to the opening of the join window; the Join button waits for it. */
function tick(): void {
  window.clearTimeout(countdownTimer);
  const wait = opensAt.getTime() - serverNow().getTime();
  if (wait <= 0 || cancelled) {
    show(countdown, false);
    joinButton.disabled = joining || cancelled;
    return;
  }
  joinButton.disabled = true;
  countdown.textContent = `The call opens in ${formatCountdown(wait)}, at ${formatClock(opensAt)}.`;
  show(countdown, true);
  countdownTimer = window.setTimeout(tick, Math.min(1000, wait % 1000 || 1000));
}

/** Before joining: who is already in the call, and whether the meeting was moved or cancelled meanwhile. */
async function showWhoIsHere(): Promise<void> {
  window.clearTimeout(presenceTimer);
  if (session) return;
  const status = await requestStatus(meeting, true);
  if (session) return;
  if (status) {
    skewMs = new Date(status.serverNow).getTime() - Date.now();
    applyMeetingChanges(status, false);
    const people = status.call.participants ?? [];
    inCallNow.textContent = cancelled
      ? ''
      : people.length === 0
        ? 'No one is in the call yet.'
        : `${listNames(people)} ${people.length === 1 ? 'is' : 'are'} in the call.`;
  }
  if (!cancelled) presenceTimer = window.setTimeout(() => void showWhoIsHere(), PRESENCE_POLL_MS);
}

/** A moved meeting shows its new time; a cancelled one says so (in the call, as a notice). */
function applyMeetingChanges(status: MeetingStatus, inCall: boolean): void {
  if (status.meeting.status === 'cancelled') {
    cancelled = true;
    const message = cancelledMessage(status);
    if (inCall) session?.view.showNotice(message);
    else {
      say(notice, message);
      tick();
    }
    return;
  }
  if (status.meeting.startsAt !== startsAt) {
    startsAt = status.meeting.startsAt;
    const when = formatMeetingTime(new Date(status.meeting.startsAt), new Date(status.meeting.endsAt));
    byId('meeting-time').textContent = when;
    if (inCall) say(byId('moved-notice'), `This meeting was moved to ${when}. You can stay in this call until you leave.`, 'info');
    else {
      say(notice, `This meeting was moved to ${when}.`, 'info');
      if (status.meeting.window === 'too_early' && status.call.status !== 'in-progress') opensAt = new Date(status.meeting.opensAt);
      tick();
    }
  }
}

function cancelledMessage(status: MeetingStatus | null): string {
  const reason = status?.meeting.cancelReason?.trim();
  return `This meeting was cancelled${reason ? `: ${reason.replace(/\.$/, '')}` : ''}.`;
}

async function join(): Promise<void> {
  if (joining) return;
  const name = nameInput?.value.trim();
  if (nameInput && !name) {
    say(notice, 'Type your name so the others know who joined.');
    nameInput.focus();
    return;
  }
  joining = true;
  const video = await loadedTwilioVideo();
  if (!video) {
    joining = false;
    say(notice, UNAVAILABLE);
    return;
  }
  joinButton.disabled = true;
  joinButton.textContent = 'Joining…';
  try {
    const result = await requestToken(meeting, name, device);
    if (!result.ok) {
      say(notice, result.code === 'booking_cancelled' ? cancelledMessage(await requestStatus(meeting, false)) : result.message);
      if (result.opensAt) opensAt = result.opensAt;
      return;
    }
    if (name) rememberGuestName(name);
    const tracks = media.tracks();
    let room: TwilioVideo.Room;
    try {
      room = await video.connect(result.answer.token, { ...connectOptions(result.answer), tracks: [...tracks, new video.LocalDataTrack()] });
    } catch (error) {
      say(notice, describeConnectError(error));
      return;
    }
    if (!media.micOn) room.localParticipant.audioTracks.forEach((pub) => pub.track.disable());
    media.release();
    window.clearTimeout(presenceTimer);
    enterCall(room, result.answer, name);
  } finally {
    joining = false;
    joinButton.textContent = 'Join';
    if (meeting.videoAvailable) tick();
  }
}

function connectOptions(answer: TokenAnswer): TwilioVideo.ConnectOptions {
  return { name: answer.roomName, dominantSpeaker: true, networkQuality: { local: 1, remote: 1 } };
}

function enterCall(room: TwilioVideo.Room, answer: TokenAnswer, name: string | undefined): void {
  show(byId('prejoin'), false);
  show(byId('call'), true);
  document.body.classList.add('in-call');
  const startedAt = answer.callStartedAt ? new Date(answer.callStartedAt).getTime() - skewMs : Date.now();
  session = new CallSession(room, answer, name, startedAt);
}

/**
 * The call from joining to leaving. twilio-video reconnects by itself after a short drop; when it
 * gives up (the signaling connection is gone, or the access token expired meanwhile: a call can
 * outlast the token's hour) the page asks for a fresh token, which also checks that the meeting
 * still holds, and connects again with the same tracks. When the room is ended (a cancelled
 * meeting), or the meeting was cancelled meanwhile, the page asks the server and says why.
 */
class CallSession {
  readonly view: CallView;
  private leaving = false;
  private over = false;

  constructor(
    private room: TwilioVideo.Room,
    answer: TokenAnswer,
    private readonly name: string | undefined,
    startedAt: number,
  ) {
    this.view = new CallView({
      names: { ...answer.names },
      startedAt,
      devices: { micId: media.micId, cameraId: media.cameraId, speakerId: media.speakerId },
      onLeave: () => this.leave(),
    });
    this.view.attach(room);
    this.watch(room);
    window.addEventListener('pagehide', () => this.leave());
    meetingTimer = window.setInterval(() => void this.checkMeeting(), MEETING_POLL_MS);
  }

  leave(): void {
    this.leaving = true;
    this.room.disconnect();
  }

  private watch(room: TwilioVideo.Room): void {
    room.once('disconnected', (_room: TwilioVideo.Room, error?: TwilioVideo.TwilioError) => void this.onDisconnected(room, error));
  }

  private async checkMeeting(): Promise<void> {
    const status = await requestStatus(meeting, false);
    if (status && !this.over) applyMeetingChanges(status, true);
  }

  private async onDisconnected(room: TwilioVideo.Room, error?: TwilioVideo.TwilioError): Promise<void> {
    if (room !== this.room || this.over) return;
    if (this.leaving || !error) return this.finish('You left the call.', 'left');
    if (error.code === 53118) {
      // The room was ended at Twilio: ask what became of the meeting.
      const status = await requestStatus(meeting, false);
      if (status?.meeting.status === 'cancelled') return this.finish(cancelledMessage(status), 'cancelled');
      return this.finish('The call was ended for everyone.', 'ended');
    }
    if (!isRecoverable(error)) return this.finish(describeConnectError(error), 'dropped');
    await this.reconnect();
  }

  private async reconnect(): Promise<void> {
    const video = twilioVideo()!;
    this.view.setReconnecting(true);
    let lastProblem = '';
    for (const delay of RECONNECT_DELAYS_MS) {
      if (delay) await new Promise((resolve) => window.setTimeout(resolve, delay));
      if (this.leaving) return this.finish('You left the call.', 'left');
      const result = await requestToken(meeting, this.name, device);
      if (!result.ok) {
        if (result.code === 'booking_cancelled') return this.finish(cancelledMessage(await requestStatus(meeting, false)), 'cancelled');
        if (result.code === 'meeting_over') return this.finish('The meeting is over and its call has ended.', 'ended');
        if (!result.retry) return this.finish(result.message, 'dropped');
        lastProblem = result.message;
        continue;
      }
      try {
        const room = await video.connect(result.answer.token, { ...connectOptions(result.answer), tracks: [...this.view.localTracks(), new video.LocalDataTrack()] });
        this.room = room;
        this.view.attach(room);
        this.watch(room);
        return;
      } catch (error) {
        if (!isRecoverable(error)) return this.finish(describeConnectError(error), 'dropped');
        lastProblem = describeConnectError(error);
      }
    }
    this.finish(`The connection was lost and could not be restored. ${lastProblem}`.trim(), 'dropped');
  }

  private finish(reason: string, kind: 'left' | 'cancelled' | 'ended' | 'dropped'): void {
    if (this.over) return;
    this.over = true;
    window.clearInterval(meetingTimer);
    this.view.finish();
    media.stop();
    show(byId('call'), false);
    document.body.classList.remove('in-call', 'presenting', 'panel-open');
    byId('left-reason').textContent = reason;
    byId('left-heading').textContent = { left: 'You left the call', cancelled: 'This meeting was cancelled', ended: 'The call has ended', dropped: 'You were disconnected' }[kind];
    show(byId('rejoin'), kind === 'left' || kind === 'dropped');
    show(byId('left'), true);
  }
}

function rememberedGuestName(): string {
  try {
    return localStorage.getItem(GUEST_NAME_KEY) ?? '';
  } catch {
    return '';
  }
}

function rememberGuestName(name: string): void {
  try {
    localStorage.setItem(GUEST_NAME_KEY, name);
  } catch {
    // private mode: typed again next time
  }
}
