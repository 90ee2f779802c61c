import type {
  LocalParticipant,
  LocalTrackPublication,
  Participant,
  RemoteParticipant,
  RemoteTrack,
  RemoteTrackPublication,
  Room,
  TwilioError,
} from 'twilio-video';
import { byId, el, say, show } from './dom.js';
import { describeConnectError, describeMediaError } from './media-errors.js';
import { displayName, initials } from './names.js';

export const SCREEN_TRACK_NAME = 'screen';

interface Tile {
  root: HTMLElement;
  media: HTMLElement;
  name: string;
}

type AnyPublication = LocalTrackPublication | RemoteTrackPublication;
type AttachableTrack = { kind: string; name: string; attach(): HTMLMediaElement; detach(): HTMLMediaElement[] };

/**
 * The call: one tile per participant (video, name, muted and camera-off states, network quality),
 * the dominant speaker highlighted, a screen share shown large on the stage, controls for the local
 * tracks, a banner while reconnecting, and participants coming and going live.
 */
export class CallView {
  private readonly tiles = new Map<string, Tile>();
  private readonly tilesBox = byId('tiles');
  private readonly stage = byId('stage');
  private readonly banner = byId('reconnecting');
  private readonly notice = byId('call-notice');
  private readonly news = byId('roster-news');
  private readonly micButton = byId<HTMLButtonElement>('call-mic');
  private readonly cameraButton = byId<HTMLButtonElement>('call-camera');
  private readonly shareButton = byId<HTMLButtonElement>('call-share');
  private readonly stopShareButton = byId<HTMLButtonElement>('call-stop-share');
  private readonly leaveButton = byId<HTMLButtonElement>('call-leave');
  private screenTrack: MediaStreamTrack | null = null;
  private cameraTrack: MediaStreamTrack | null;
  private left = false;

  constructor(
    private readonly room: Room,
    private readonly names: Record<string, string>,
    private readonly onLeft: (reason: string) => void,
    cameraTrack: MediaStreamTrack | null,
  ) {
    this.cameraTrack = cameraTrack;
  }

  start(): void {
    const { room } = this;
    this.addParticipant(room.localParticipant, true);
    room.participants.forEach((p) => this.addParticipant(p, false));
    room.on('participantConnected', (p: RemoteParticipant) => {
      this.addParticipant(p, false);
      this.announce(`${this.nameOf(p)} joined`);
    });
    room.on('participantDisconnected', (p: RemoteParticipant) => {
      this.removeParticipant(p);
      this.announce(`${this.nameOf(p)} left`);
    });
    room.on('dominantSpeakerChanged', (p: RemoteParticipant | null) => this.highlightSpeaker(p));
    room.on('reconnecting', () => show(this.banner, true));
    room.on('reconnected', () => show(this.banner, false));
    room.on('disconnected', (_room: Room, error?: TwilioError) => this.finish(error ? describeConnectError(error) : 'You left the call.'));

    this.micButton.addEventListener('click', () => this.toggleMic());
    this.cameraButton.addEventListener('click', () => void this.toggleCamera());
    this.shareButton.addEventListener('click', () => void this.startShare());
    this.stopShareButton.addEventListener('click', () => this.stopShare());
    this.leaveButton.addEventListener('click', () => room.disconnect());
    window.addEventListener('pagehide', () => room.disconnect());
    if (!navigator.mediaDevices?.getDisplayMedia) this.shareButton.hidden = true;
    this.highlightSpeaker(room.dominantSpeaker);
    this.renderControls();
  }

  private nameOf(p: Participant): string {
    return displayName(p.identity, this.names);
  }

  private addParticipant(p: Participant, local: boolean): void {
    if (this.tiles.has(p.identity)) this.removeParticipant(p);
    const name = local ? `${this.nameOf(p)} (you)` : this.nameOf(p);
    const media = el('div', { className: 'media' });
    const root = el('div', { className: `tile${local ? ' local' : ''}`, attrs: { 'data-identity': p.identity, role: 'group', 'aria-label': name } }, [
      media,
      el('div', { className: 'avatar', text: initials(this.nameOf(p)), attrs: { 'aria-hidden': 'true' } }),
      el('div', { className: 'label' }, [
        el('span', { className: 'name', text: name }),
        el('span', { className: 'muted-badge', text: 'Muted', attrs: { title: 'Microphone muted' } }),
        el('span', { className: 'sharing-badge', text: 'Presenting' }),
        el('span', { className: 'reconnecting-badge', text: 'Reconnecting…' }),
        el('span', { className: 'network', attrs: { role: 'img' } }, [1, 2, 3, 4, 5].map((n) => el('i', { attrs: { 'data-bar': String(n) } }))),
      ]),
    ]);
    const tile: Tile = { root, media, name };
    this.tiles.set(p.identity, tile);
    this.tilesBox.append(root);

    p.tracks.forEach((publication) => {
      const track = (publication as AnyPublication).track;
      if (track) this.attach(p, track as unknown as AttachableTrack, local);
    });
    const refresh = () => this.refresh(p, local);
    p.on('networkQualityLevelChanged', refresh);
    if (!local) {
      const remote = p as RemoteParticipant;
      remote.on('trackSubscribed', (track: RemoteTrack) => {
        this.attach(p, track as unknown as AttachableTrack, false);
        refresh();
      });
      remote.on('trackUnsubscribed', (track: RemoteTrack) => {
        this.detach(track as unknown as AttachableTrack);
        refresh();
      });
      remote.on('reconnecting', () => this.tiles.get(p.identity)?.root.classList.add('reconnecting'));
      remote.on('reconnected', () => this.tiles.get(p.identity)?.root.classList.remove('reconnecting'));
      for (const event of ['trackDisabled', 'trackEnabled', 'trackPublished', 'trackUnpublished', 'trackSwitchedOff', 'trackSwitchedOn']) {
        remote.on(event, refresh);
      }
    }
    refresh();
  }

  private removeParticipant(p: Participant): void {
    const tile = this.tiles.get(p.identity);
    if (!tile) return;
    p.tracks.forEach((publication) => {
      const track = (publication as AnyPublication).track;
      if (track) this.detach(track as unknown as AttachableTrack);
    });
    p.removeAllListeners();
    tile.root.remove();
    this.tiles.delete(p.identity);
    this.renderStage();
  }

  private attach(p: Participant, track: AttachableTrack, local: boolean): void {
    if (track.kind !== 'audio' && track.kind !== 'video') return;
    if (local && track.kind === 'audio') return; // never play yourself back
    const tile = this.tiles.get(p.identity);
    if (!tile) return;
    const element = track.attach();
    element.dataset.kind = track.kind;
    if (track.kind === 'video') {
      (element as HTMLVideoElement).playsInline = true;
      element.muted = true;
    }
    if (track.name === SCREEN_TRACK_NAME && track.kind === 'video') {
      element.dataset.screen = p.identity;
      element.setAttribute('aria-label', `${this.nameOf(p)}'s screen`);
      this.stage.append(element);
      this.renderStage();
    } else {
      tile.media.append(element);
    }
  }

  private detach(track: AttachableTrack): void {
    for (const element of track.detach()) element.remove();
    this.renderStage();
  }

  /** A tile's state, read from the participant's publications each time something changes. */
  private refresh(p: Participant, local: boolean): void {
    const tile = this.tiles.get(p.identity);
    if (!tile) return;
    const audio = [...p.audioTracks.values()] as AnyPublication[];
    const cameras = ([...p.videoTracks.values()] as AnyPublication[]).filter((pub) => pub.trackName !== SCREEN_TRACK_NAME);
    const screens = ([...p.videoTracks.values()] as AnyPublication[]).filter((pub) => pub.trackName === SCREEN_TRACK_NAME);
    const enabled = (pub: AnyPublication) =>
      local ? Boolean(pub.track && (pub.track as { isEnabled: boolean }).isEnabled) : Boolean((pub as RemoteTrackPublication).isTrackEnabled);
    const muted = !audio.some(enabled);
    const cameraOff = !cameras.some((pub) => enabled(pub) && pub.track && !(pub as RemoteTrackPublication & { isSwitchedOff?: boolean }).isSwitchedOff);
    tile.root.classList.toggle('muted', muted);
    tile.root.classList.toggle('camera-off', cameraOff);
    tile.root.classList.toggle('sharing', screens.length > 0);
    tile.root.dataset.muted = String(muted);
    tile.root.dataset.cameraOff = String(cameraOff);
    const level = p.networkQualityLevel;
    const network = tile.root.querySelector<HTMLElement>('.network')!;
    network.dataset.level = level === null || level === undefined ? '' : String(level);
    network.setAttribute('aria-label', level === null || level === undefined ? 'Network quality unknown' : `Network quality ${level} of 5`);
    network.title = network.getAttribute('aria-label')!;
    tile.root.setAttribute('aria-label', `${tile.name}${muted ? ', muted' : ''}${cameraOff ? ', camera off' : ''}`);
    if (local) this.renderControls();
  }

  private highlightSpeaker(p: Participant | null): void {
    for (const [identity, tile] of this.tiles) tile.root.classList.toggle('speaking', identity === p?.identity);
  }

  private renderStage(): void {
    const screens = [...this.stage.querySelectorAll('video')];
    // Only the latest share is shown large; an earlier one stays attached but hidden.
    screens.forEach((video, i) => (video.hidden = i !== screens.length - 1));
    show(this.stage, screens.length > 0);
    document.body.classList.toggle('presenting', screens.length > 0);
  }

  private local(): LocalParticipant {
    return this.room.localParticipant;
  }

  private toggleMic(): void {
    const publications = [...this.local().audioTracks.values()];
    const on = publications.some((pub) => pub.track.isEnabled);
    for (const pub of publications) (on ? pub.track.disable() : pub.track.enable());
    this.refresh(this.local(), true);
  }

  /** Stopping the camera unpublishes and stops it (the light goes off); starting it again publishes a new track. */
  private async toggleCamera(): Promise<void> {
    const participant = this.local();
    if (this.cameraTrack) {
      const track = this.cameraTrack;
      this.cameraTrack = null;
      const publication = participant.unpublishTrack(track);
      if (publication?.track) this.detach(publication.track as unknown as AttachableTrack);
      track.stop();
      this.refresh(participant, true);
      return;
    }
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } } });
      const track = stream.getVideoTracks()[0]!;
      this.cameraTrack = track;
      const publication = await participant.publishTrack(track);
      this.attach(participant, publication.track as unknown as AttachableTrack, true);
      say(this.notice, null);
    } catch (error) {
      say(this.notice, describeMediaError(error, 'camera'));
    }
    this.refresh(participant, true);
  }

  private async startShare(): Promise<void> {
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      const track = stream.getVideoTracks()[0]!;
      const publication = await this.local().publishTrack(track, { name: SCREEN_TRACK_NAME });
      this.screenTrack = track;
      track.addEventListener('ended', () => this.stopShare());
      this.attach(this.local(), publication.track as unknown as AttachableTrack, true);
      say(this.notice, null);
    } catch (error) {
      const name = (error as { name?: string }).name;
      // Closing the browser's picker is a choice, not a failure.
      if (name !== 'NotAllowedError' && name !== 'AbortError') say(this.notice, `Your screen could not be shared (${name ?? String(error)}).`);
    }
    this.refresh(this.local(), true);
  }

  private stopShare(): void {
    const track = this.screenTrack;
    if (!track) return;
    this.screenTrack = null;
    const publication = this.local().unpublishTrack(track);
    if (publication?.track) this.detach(publication.track as unknown as AttachableTrack);
    track.stop();
    this.refresh(this.local(), true);
  }

  private renderControls(): void {
    const audio = [...this.local().audioTracks.values()];
    const micOn = audio.some((pub) => pub.track.isEnabled);
    this.micButton.disabled = audio.length === 0;
    this.micButton.textContent = audio.length === 0 ? 'No microphone' : micOn ? 'Mute' : 'Unmute';
    this.micButton.setAttribute('aria-pressed', String(!micOn));
    this.cameraButton.textContent = this.cameraTrack ? 'Stop camera' : 'Start camera';
    this.cameraButton.setAttribute('aria-pressed', String(!this.cameraTrack));
    show(this.shareButton, !this.screenTrack && Boolean(navigator.mediaDevices?.getDisplayMedia));
    show(this.stopShareButton, Boolean(this.screenTrack));
  }

  private announce(text: string): void {
    this.news.textContent = text;
  }

  private finish(reason: string): void {
    if (this.left) return;
    this.left = true;
    const participant = this.local();
    participant.tracks.forEach((pub) => {
      const track = pub.track as { stop?: () => void } | null;
      track?.stop?.();
    });
    this.cameraTrack?.stop();
    this.screenTrack?.stop();
    this.onLeft(reason);
  }
}
