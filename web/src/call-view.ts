import type {
  LocalDataTrack,
  LocalParticipant,
  LocalTrack,
  LocalTrackPublication,
  LocalVideoTrack,
  Participant,
  RemoteDataTrack,
  RemoteParticipant,
  RemoteTrack,
  RemoteTrackPublication,
  Room,
} from 'twilio-video';
import { AudioLevel } from './audio-level.js';
import { audioConstraints, canPickSpeaker, fillDevices, listDevices, routeAudio, videoConstraints } from './devices.js';
import { byId, el, say, show } from './dom.js';
import { loadEffects, mayBlur, processorOptions } from './effects-loader.js';
import { bestGrid, formatElapsed } from './layout.js';
import { describeMediaError } from './media-errors.js';
import { decodeMessage, encodeMessage, type CallMessage } from './messages.js';
import { displayName, initials } from './names.js';
import { shortcutFor, type ShortcutAction } from './shortcuts.js';

export const SCREEN_TRACK_NAME = 'screen';
const PHONE = '(max-width: 600px)';

interface Tile {
  root: HTMLElement;
  media: HTMLElement;
  name: string;
  participant: Participant;
  local: boolean;
  pin: HTMLButtonElement;
}

type AnyPublication = LocalTrackPublication | RemoteTrackPublication;
type AttachableTrack = { kind: string; name: string; attach(): HTMLMediaElement; detach(): HTMLMediaElement[] };

export interface CallViewOptions {
  names: Record<string, string>;
  /** When the call started, on this device's clock; the elapsed time counts from it. */
  startedAt: number;
  /** The devices chosen before joining. */
  devices: { micId?: string; cameraId?: string; speakerId?: string };
  /** The person pressed Leave (or the shortcut). */
  onLeave: () => void;
}

/**
 * The call: one tile per participant (video, name, muted and camera-off states, raised hand,
 * network quality), a grid that fits the window with pin, the active speaker large on phones, a
 * screen share shown large, a participant list, chat and raise hand over the data track, device
 * switching and camera flip, background blur and noise suppression where available, "You are
 * muted" when talking while muted, the elapsed time, keyboard shortcuts and full screen.
 *
 * The room can be replaced (attach) when the page reconnects with a fresh token: the tiles are
 * rebuilt, and the chat, the raised hand, the pin and the local tracks carry over.
 */
export class CallView {
  private room!: Room;
  private readonly tiles = new Map<string, Tile>();
  private readonly hands = new Set<string>();
  private readonly tilesBox = byId('tiles');
  private readonly stage = byId('stage');
  private readonly gallery = byId('gallery');
  private readonly banner = byId('reconnecting');
  private readonly notice = byId('call-notice');
  private readonly news = byId('roster-news');
  private readonly mutedHint = byId('muted-hint');
  private readonly elapsed = byId('elapsed');
  private readonly button = {
    mic: byId<HTMLButtonElement>('call-mic'),
    camera: byId<HTMLButtonElement>('call-camera'),
    flip: byId<HTMLButtonElement>('call-flip'),
    share: byId<HTMLButtonElement>('call-share'),
    stopShare: byId<HTMLButtonElement>('call-stop-share'),
    hand: byId<HTMLButtonElement>('call-hand'),
    people: byId<HTMLButtonElement>('call-people'),
    chat: byId<HTMLButtonElement>('call-chat'),
    settings: byId<HTMLButtonElement>('call-settings'),
    fullscreen: byId<HTMLButtonElement>('call-fullscreen'),
    shortcuts: byId<HTMLButtonElement>('call-shortcuts'),
    leave: byId<HTMLButtonElement>('call-leave'),
    more: byId<HTMLButtonElement>('call-more'),
  };
  private readonly settings = byId<HTMLDialogElement>('settings');
  private readonly shortcutsBox = byId('shortcuts');
  private readonly chatLog = byId('chat-log');
  private readonly chatInput = byId<HTMLInputElement>('chat-input');
  private readonly level = new AudioLevel((level) => this.onLocalLevel(level));
  private readonly resize = new ResizeObserver(() => this.layout());
  private readonly phone = window.matchMedia(PHONE);
  private readonly roomListeners: [string, (...args: any[]) => void][] = [];
  private screenTrack: MediaStreamTrack | null = null;
  private cameraTrack: MediaStreamTrack | null = null;
  private micTrack: MediaStreamTrack | null = null;
  private dataTrack: LocalDataTrack | null = null;
  private handUp = false;
  private pinned: string | null = null;
  private speaker: string | null = null;
  private panel: 'people' | 'chat' | null = null;
  private unread = 0;
  private readonly loud: number[] = [];
  private quietSince = 0;
  private elapsedTimer: number | undefined;
  private blur: { processor: unknown; track: LocalVideoTrack } | null = null;
  private facing: 'user' | 'environment' = 'user';
  private devices: CallViewOptions['devices'];
  private cameraCount = 0;

  constructor(private readonly options: CallViewOptions) {
    this.devices = { ...options.devices };
    const b = this.button;
    b.mic.addEventListener('click', () => this.toggleMic());
    byId('muted-hint-unmute').addEventListener('click', () => this.toggleMic());
    b.camera.addEventListener('click', () => void this.toggleCamera());
    b.flip.addEventListener('click', () => void this.flipCamera());
    b.share.addEventListener('click', () => void this.startShare());
    b.stopShare.addEventListener('click', () => this.stopShare());
    b.hand.addEventListener('click', () => this.toggleHand());
    b.people.addEventListener('click', () => this.togglePanel('people'));
    b.chat.addEventListener('click', () => this.togglePanel('chat'));
    for (const close of document.querySelectorAll<HTMLButtonElement>('.panel-close')) {
      close.addEventListener('click', () => this.togglePanel(close.dataset.close as 'people' | 'chat'));
    }
    b.settings.addEventListener('click', () => void this.openSettings());
    b.fullscreen.addEventListener('click', () => void this.toggleFullscreen());
    b.shortcuts.addEventListener('click', () => this.toggleShortcuts());
    byId('shortcuts-close').addEventListener('click', () => this.toggleShortcuts(false));
    b.leave.addEventListener('click', () => options.onLeave());
    b.more.addEventListener('click', () => {
      const open = b.more.getAttribute('aria-expanded') !== 'true';
      b.more.setAttribute('aria-expanded', String(open));
      b.more.parentElement!.classList.toggle('more-open', open);
    });
    byId<HTMLFormElement>('chat-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.sendChat();
    });
    byId<HTMLSelectElement>('call-mic-select').addEventListener('change', (e) => void this.switchMic((e.target as HTMLSelectElement).value));
    byId<HTMLSelectElement>('call-camera-select').addEventListener('change', (e) => void this.switchCamera((e.target as HTMLSelectElement).value));
    byId<HTMLSelectElement>('call-speaker-select').addEventListener('change', (e) => void this.switchSpeaker((e.target as HTMLSelectElement).value));
    byId<HTMLInputElement>('noise-suppression').addEventListener('change', (e) => void this.setNoiseSuppression((e.target as HTMLInputElement).checked));
    byId<HTMLInputElement>('background-blur').addEventListener('change', (e) => void this.setBlur((e.target as HTMLInputElement).checked));
    document.addEventListener('keydown', (event) => this.onKey(event));
    document.addEventListener('fullscreenchange', () => this.renderControls());
    this.phone.addEventListener('change', () => this.layout());
    this.resize.observe(this.gallery);
    show(b.fullscreen, Boolean(document.fullscreenEnabled));
    show(byId('noise-field'), Boolean(navigator.mediaDevices?.getSupportedConstraints?.().noiseSuppression));
    show(byId('blur-field'), mayBlur());
    show(byId('call-speaker-field'), canPickSpeaker());
    this.elapsedTimer = window.setInterval(() => this.tickElapsed(), 1000);
    this.tickElapsed();
    void this.countCameras();
  }

  /** Shows this room (a first connect, or a reconnect with a fresh token). */
  attach(room: Room): void {
    this.detachRoom();
    this.room = room;
    for (const tile of [...this.tiles.values()]) this.removeParticipant(tile.participant);
    const local = room.localParticipant;
    this.cameraTrack = this.findLocal('video', false)?.mediaStreamTrack ?? null;
    this.micTrack = this.findLocal('audio', false)?.mediaStreamTrack ?? null;
    this.dataTrack = ([...local.dataTracks.values()][0]?.track as LocalDataTrack | undefined) ?? null;
    this.level.listen(this.micTrack);
    this.addParticipant(local, true);
    room.participants.forEach((p) => this.addParticipant(p, false));
    this.onRoom('participantConnected', (p: RemoteParticipant) => {
      this.addParticipant(p, false);
      this.announce(`${this.nameOf(p)} joined`);
    });
    this.onRoom('participantDisconnected', (p: RemoteParticipant) => {
      this.removeParticipant(p);
      this.hands.delete(p.sid);
      this.announce(`${this.nameOf(p)} left`);
    });
    this.onRoom('dominantSpeakerChanged', (p: RemoteParticipant | null) => {
      this.speaker = p?.sid ?? null;
      this.highlightSpeaker();
      this.layout();
    });
    this.onRoom('reconnecting', () => this.setReconnecting(true));
    this.onRoom('reconnected', () => this.setReconnecting(false));
    this.speaker = room.dominantSpeaker?.sid ?? null;
    this.highlightSpeaker();
    if (this.handUp) this.send({ t: 'hand', up: true });
    this.setReconnecting(false);
    this.renderControls();
    this.layout();
  }

  /** The local tracks to carry into a new connection: microphone, camera and screen, as they are. */
  localTracks(): LocalTrack[] {
    return [...this.room.localParticipant.tracks.values()].map((pub) => pub.track).filter((t) => t.kind !== 'data');
  }

  setReconnecting(on: boolean): void {
    show(this.banner, on);
  }

  /** The call is over for this page: stop the local tracks and timers. */
  finish(): void {
    this.detachRoom();
    this.room?.localParticipant.tracks.forEach((pub) => (pub.track as { stop?: () => void }).stop?.());
    this.cameraTrack?.stop();
    this.micTrack?.stop();
    this.screenTrack?.stop();
    this.level.close();
    this.resize.disconnect();
    window.clearInterval(this.elapsedTimer);
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
  }

  showNotice(message: string | null, tone: 'error' | 'info' = 'error'): void {
    say(this.notice, message, tone);
  }

  private onRoom(event: string, listener: (...args: any[]) => void): void {
    (this.room.on as (e: string, l: (...args: any[]) => void) => void).call(this.room, event, listener);
    this.roomListeners.push([event, listener]);
  }

  private detachRoom(): void {
    if (!this.room) return;
    for (const [event, listener] of this.roomListeners.splice(0)) (this.room.off as (e: string, l: (...args: any[]) => void) => void).call(this.room, event, listener);
  }

  private nameOf(p: Participant | string): string {
    return displayName(typeof p === 'string' ? p : p.identity, this.options.names);
  }

  private addParticipant(p: Participant, local: boolean): void {
    if (this.tiles.has(p.sid)) this.removeParticipant(p);
    const name = local ? `${this.nameOf(p)} (you)` : this.nameOf(p);
    const media = el('div', { className: 'media' });
    const pin = el('button', { className: 'pin', text: 'Pin', attrs: { type: 'button', 'aria-pressed': 'false', 'aria-label': `Pin ${name}` } });
    pin.addEventListener('click', () => this.togglePin(p.sid));
    const root = el('div', { className: `tile${local ? ' local' : ''}`, attrs: { 'data-identity': p.identity, role: 'group', 'aria-label': name } }, [
      media,
      el('div', { className: 'avatar', text: initials(this.nameOf(p)), attrs: { 'aria-hidden': 'true' } }),
      el('div', { className: 'hand-badge', text: '✋', attrs: { role: 'img', 'aria-label': 'Hand raised' } }),
      pin,
      el('div', { className: 'label' }, [
        el('span', { className: 'name', text: name }),
        el('span', { className: 'muted-badge', text: 'Muted' }),
        el('span', { className: 'sharing-badge', text: 'Presenting' }),
        el('span', { className: 'reconnecting-badge', text: 'Reconnecting…' }),
        el('span', { className: 'network', attrs: { role: 'img' } }, [1, 2, 3, 4, 5].map((n) => el('i', { attrs: { 'data-bar': String(n) } }))),
      ]),
    ]);
    root.addEventListener('dblclick', () => this.togglePin(p.sid));
    const tile: Tile = { root, media, name, participant: p, local, pin };
    this.tiles.set(p.sid, tile);
    this.tilesBox.append(root);

    p.tracks.forEach((publication) => {
      const track = (publication as AnyPublication).track;
      if (track) this.attachTrack(p, track as unknown as AttachableTrack, local);
    });
    const refresh = () => this.refresh(p);
    p.on('networkQualityLevelChanged', refresh);
    if (!local) {
      const remote = p as RemoteParticipant;
      remote.on('trackSubscribed', (track: RemoteTrack) => {
        if (track.kind === 'data') this.listenTo(remote, track as RemoteDataTrack);
        else this.attachTrack(p, track as unknown as AttachableTrack, false);
        refresh();
      });
      remote.on('trackUnsubscribed', (track: RemoteTrack) => {
        if (track.kind !== 'data') this.detachTrack(track as unknown as AttachableTrack);
        refresh();
      });
      remote.on('reconnecting', () => this.tiles.get(p.sid)?.root.classList.add('reconnecting'));
      remote.on('reconnected', () => this.tiles.get(p.sid)?.root.classList.remove('reconnecting'));
      for (const event of ['trackDisabled', 'trackEnabled', 'trackPublished', 'trackUnpublished', 'trackSwitchedOff', 'trackSwitchedOn']) (remote.on as (e: string, l: () => void) => void).call(remote, event, refresh);
      remote.dataTracks.forEach((pub) => pub.track && this.listenTo(remote, pub.track));
    }
    refresh();
    this.layout();
  }

  private removeParticipant(p: Participant): void {
    const tile = this.tiles.get(p.sid);
    if (!tile) return;
    p.tracks.forEach((publication) => {
      const track = (publication as AnyPublication).track;
      if (track && track.kind !== 'data') this.detachTrack(track as unknown as AttachableTrack);
    });
    if (tile.participant !== this.room?.localParticipant) p.removeAllListeners();
    tile.root.remove();
    this.tiles.delete(p.sid);
    if (this.pinned === p.sid) this.pinned = null;
    this.renderPeople();
    this.layout();
  }

  private attachTrack(p: Participant, track: AttachableTrack, local: boolean): void {
    if (track.kind !== 'audio' && track.kind !== 'video') return;
    if (local && track.kind === 'audio') return; // never play yourself back
    const tile = this.tiles.get(p.sid);
    if (!tile) return;
    const element = track.attach();
    element.dataset.kind = track.kind;
    if (track.kind === 'video') {
      (element as HTMLVideoElement).playsInline = true;
      element.muted = true;
      element.setAttribute('aria-hidden', 'true');
    } else {
      void routeAudio([element], this.devices.speakerId);
    }
    if (track.name === SCREEN_TRACK_NAME && track.kind === 'video') {
      element.dataset.screen = p.identity;
      element.removeAttribute('aria-hidden');
      element.setAttribute('aria-label', `${this.nameOf(p)}'s screen`);
      this.stage.append(element);
    } else {
      tile.media.append(element);
    }
    this.layout();
  }

  private detachTrack(track: AttachableTrack): void {
    for (const element of track.detach()) element.remove();
    this.layout();
  }

  private listenTo(p: RemoteParticipant, track: RemoteDataTrack): void {
    track.on('message', (data: string | ArrayBuffer) => {
      const message = decodeMessage(data);
      if (message) this.receive(p, message);
    });
    // Someone new: tell them the hand is up.
    if (this.handUp) this.send({ t: 'hand', up: true });
  }

  /** A tile's state, read from the participant's publications each time something changes. */
  private refresh(p: Participant): void {
    const tile = this.tiles.get(p.sid);
    if (!tile) return;
    const local = tile.local;
    const audio = [...p.audioTracks.values()] as AnyPublication[];
    const cameras = ([...p.videoTracks.values()] as AnyPublication[]).filter((pub) => pub.trackName !== SCREEN_TRACK_NAME);
    const screens = ([...p.videoTracks.values()] as AnyPublication[]).filter((pub) => pub.trackName === SCREEN_TRACK_NAME);
    const enabled = (pub: AnyPublication) =>
      local ? Boolean(pub.track && (pub.track as { isEnabled: boolean }).isEnabled) : Boolean((pub as RemoteTrackPublication).isTrackEnabled);
    const muted = !audio.some(enabled);
    const cameraOff = !cameras.some((pub) => enabled(pub) && pub.track && !(pub as RemoteTrackPublication & { isSwitchedOff?: boolean }).isSwitchedOff);
    const hand = local ? this.handUp : this.hands.has(p.sid);
    tile.root.classList.toggle('muted', muted);
    tile.root.classList.toggle('camera-off', cameraOff);
    tile.root.classList.toggle('sharing', screens.length > 0);
    tile.root.classList.toggle('hand', hand);
    tile.root.dataset.muted = String(muted);
    tile.root.dataset.cameraOff = String(cameraOff);
    const level = p.networkQualityLevel;
    const network = tile.root.querySelector<HTMLElement>('.network')!;
    network.dataset.level = level === null || level === undefined ? '' : String(level);
    network.setAttribute('aria-label', level === null || level === undefined ? 'Network quality unknown' : `Network quality ${level} of 5`);
    network.title = network.getAttribute('aria-label')!;
    tile.root.setAttribute('aria-label', `${tile.name}${muted ? ', muted' : ''}${cameraOff ? ', camera off' : ''}${hand ? ', hand raised' : ''}`);
    if (local) this.renderControls();
    this.renderPeople();
  }

  private highlightSpeaker(): void {
    for (const tile of this.tiles.values()) tile.root.classList.toggle('speaking', tile.participant.sid === this.speaker);
  }

  /**
   * Where each tile goes. A screen share, or else a pinned tile, is shown large with the others in
   * a strip; on a phone the active speaker is large; otherwise a grid sized to fit the window.
   */
  private layout(): void {
    if (!this.room) return;
    const screens = [...this.stage.querySelectorAll<HTMLVideoElement>('video[data-screen]')];
    // Only the latest share is shown large; an earlier one stays attached but hidden.
    screens.forEach((video, i) => (video.hidden = i !== screens.length - 1));
    let featured: Tile | undefined;
    if (screens.length === 0) {
      if (this.pinned) featured = this.tiles.get(this.pinned);
      else if (this.phone.matches && this.tiles.size > 1) {
        const remote = [...this.tiles.values()].filter((t) => !t.local);
        featured = (this.speaker ? this.tiles.get(this.speaker) : undefined) ?? remote[0];
      }
    }
    for (const tile of this.tiles.values()) {
      const big = tile === featured;
      tile.root.classList.toggle('featured', big);
      if (big && tile.root.parentElement !== this.stage) this.moveTile(tile, this.stage);
      if (!big && tile.root.parentElement !== this.tilesBox) this.moveTile(tile, this.tilesBox);
      const pinned = this.pinned === tile.participant.sid;
      tile.pin.setAttribute('aria-pressed', String(pinned));
      tile.pin.textContent = pinned ? 'Unpin' : 'Pin';
      tile.pin.setAttribute('aria-label', `${pinned ? 'Unpin' : 'Pin'} ${tile.name}`);
    }
    const focus = screens.length > 0 || Boolean(featured);
    show(this.stage, focus);
    this.gallery.classList.toggle('focus', focus);
    document.body.classList.toggle('presenting', screens.length > 0);
    this.tilesBox.classList.toggle('strip', focus);
    const inGrid = [...this.tilesBox.children] as HTMLElement[];
    if (focus) {
      this.tilesBox.style.removeProperty('grid-template-columns');
      this.tilesBox.style.removeProperty('--tile-w');
    } else {
      const box = this.gallery.getBoundingClientRect();
      const grid = bestGrid(inGrid.length, box.width - 16, box.height - 16);
      this.tilesBox.style.gridTemplateColumns = `repeat(${grid.cols}, ${grid.tileWidth}px)`;
      this.tilesBox.style.setProperty('--tile-w', `${grid.tileWidth}px`);
    }
  }

  private moveTile(tile: Tile, parent: HTMLElement): void {
    // Keep the grid in join order.
    if (parent === this.tilesBox) {
      const order = [...this.tiles.values()].map((t) => t.root);
      const after = order.slice(order.indexOf(tile.root) + 1).find((r) => r.parentElement === parent);
      parent.insertBefore(tile.root, after ?? null);
    } else {
      parent.append(tile.root);
    }
    tile.root.querySelectorAll<HTMLMediaElement>('video, audio').forEach((m) => void m.play().catch(() => {}));
  }

  private togglePin(identity: string): void {
    this.pinned = this.pinned === identity ? null : identity;
    this.layout();
  }

  private findLocal(kind: 'audio' | 'video', screen: boolean): LocalTrack & { mediaStreamTrack: MediaStreamTrack } | undefined {
    const pub = [...this.room.localParticipant.tracks.values()].find((p) => p.kind === kind && (p.trackName === SCREEN_TRACK_NAME) === screen);
    return pub?.track as (LocalTrack & { mediaStreamTrack: MediaStreamTrack }) | undefined;
  }

  private local(): LocalParticipant {
    return this.room.localParticipant;
  }

  private micOn(): boolean {
    return [...this.local().audioTracks.values()].some((pub) => pub.track.isEnabled);
  }

  private toggleMic(): void {
    const publications = [...this.local().audioTracks.values()];
    const on = this.micOn();
    for (const pub of publications) (on ? pub.track.disable() : pub.track.enable());
    this.showMutedHint(false);
    this.refresh(this.local());
  }

  /** Stopping the camera unpublishes and stops it (the light goes off); starting it again publishes a new track. */
  private async toggleCamera(): Promise<void> {
    if (this.cameraTrack) {
      await this.setBlur(false, true);
      const track = this.cameraTrack;
      this.cameraTrack = null;
      this.unpublish(track);
      track.stop();
      this.refresh(this.local());
      return;
    }
    await this.publishCamera(this.devices.cameraId);
  }

  private async publishCamera(deviceId: string | undefined, facingMode?: string): Promise<boolean> {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: videoConstraints(deviceId, facingMode) });
      const track = stream.getVideoTracks()[0]!;
      this.cameraTrack = track;
      this.devices.cameraId = track.getSettings().deviceId ?? deviceId;
      const publication = await this.local().publishTrack(track);
      this.attachTrack(this.local(), publication.track as unknown as AttachableTrack, true);
      this.tiles.get(this.local().sid)?.root.classList.toggle('back-camera', this.facing === 'environment');
      say(this.notice, null);
      if (byId<HTMLInputElement>('background-blur').checked) await this.setBlur(true);
      return true;
    } catch (error) {
      say(this.notice, describeMediaError(error, 'camera'));
      return false;
    } finally {
      this.refresh(this.local());
    }
  }

  private unpublish(track: MediaStreamTrack): void {
    const publication = this.local().unpublishTrack(track);
    if (publication?.track) this.detachTrack(publication.track as unknown as AttachableTrack);
  }

  private async switchCamera(deviceId: string): Promise<void> {
    this.devices.cameraId = deviceId;
    if (!this.cameraTrack) return;
    await this.setBlur(false, true);
    const old = this.cameraTrack;
    this.unpublish(old);
    old.stop();
    this.cameraTrack = null;
    await this.publishCamera(deviceId);
  }

  /** Front to back camera and back: by facing mode where the camera reports one, else the next camera. */
  private async flipCamera(): Promise<void> {
    const devices = (await listDevices()).filter((d) => d.kind === 'videoinput');
    const current = this.cameraTrack?.getSettings();
    const facing = current?.facingMode;
    this.facing = this.facing === 'user' ? 'environment' : 'user';
    if (facing) {
      const old = this.cameraTrack;
      if (old) {
        await this.setBlur(false, true);
        this.unpublish(old);
        old.stop();
        this.cameraTrack = null;
      }
      if (await this.publishCamera(undefined, this.facing)) return;
    }
    const index = devices.findIndex((d) => d.deviceId === (current?.deviceId ?? this.devices.cameraId));
    const next = devices[(index + 1) % devices.length];
    if (next) await this.switchCamera(next.deviceId);
    this.tiles.get(this.local().sid)?.root.classList.toggle('back-camera', this.facing === 'environment');
  }

  private async switchMic(deviceId: string): Promise<void> {
    this.devices.micId = deviceId;
    const noise = byId<HTMLInputElement>('noise-suppression').checked;
    try {
      // Exact: while the old track of the same microphone runs, a mere preference would keep its setting.
      const stream = await navigator.mediaDevices
        .getUserMedia({ audio: { ...audioConstraints(deviceId || undefined), noiseSuppression: { exact: noise } } })
        .catch((error: unknown) => {
          if ((error as { name?: string }).name !== 'OverconstrainedError') throw error;
          return navigator.mediaDevices.getUserMedia({ audio: audioConstraints(deviceId || undefined, noise) });
        });
      const track = stream.getAudioTracks()[0]!;
      track.enabled = this.micTrack ? this.micOn() : true;
      const old = this.micTrack;
      if (old) {
        this.unpublish(old);
        old.stop();
      }
      this.micTrack = track;
      await this.local().publishTrack(track);
      this.level.listen(track);
      say(this.notice, null);
    } catch (error) {
      say(this.notice, describeMediaError(error, 'microphone'));
    }
    this.refresh(this.local());
  }

  private async switchSpeaker(deviceId: string): Promise<void> {
    this.devices.speakerId = deviceId;
    await routeAudio(document.querySelectorAll<HTMLMediaElement>('#call audio'), deviceId);
  }

  /** Browsers apply noise suppression when the microphone starts, so the microphone is started again with it on or off. */
  private async setNoiseSuppression(on: boolean): Promise<void> {
    if (!this.micTrack) return;
    await this.switchMic(this.micTrack.getSettings().deviceId ?? this.devices.micId ?? '');
    byId('effects-status').textContent = on ? 'Noise suppression is on.' : 'Noise suppression is off.';
  }

  /** Background blur on the camera track (Twilio's video processors, loaded on first use). */
  private async setBlur(on: boolean, quietly = false): Promise<void> {
    const status = byId('effects-status');
    if (!on) {
      if (this.blur) {
        try {
          this.blur.track.removeProcessor(this.blur.processor as never);
        } catch {
          // the track is gone already
        }
        this.blur = null;
        if (!quietly) status.textContent = 'Background blur is off.';
      }
      return;
    }
    const track = this.findLocal('video', false) as unknown as LocalVideoTrack | undefined;
    if (!track || this.blur) return;
    status.textContent = 'Starting background blur…';
    try {
      const effects = await loadEffects();
      if (!effects.isSupported) {
        show(byId('blur-field'), false);
        status.textContent = 'Background blur is not supported in this browser.';
        return;
      }
      const processor = effects.createBlur('/assets/');
      await processor.loadModel();
      track.addProcessor(processor as never, processorOptions() as never);
      this.blur = { processor, track };
      status.textContent = 'Background blur is on.';
    } catch (error) {
      byId<HTMLInputElement>('background-blur').checked = false;
      status.textContent = `Background blur could not start (${error instanceof Error ? error.message : String(error)}).`;
    }
  }

  private async startShare(): Promise<void> {
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      const track = stream.getVideoTracks()[0]!;
      const publication = await this.local().publishTrack(track, { name: SCREEN_TRACK_NAME });
      this.screenTrack = track;
      track.addEventListener('ended', () => this.stopShare());
      this.attachTrack(this.local(), publication.track as unknown as AttachableTrack, true);
      say(this.notice, null);
    } catch (error) {
      const name = (error as { name?: string }).name;
      // Closing the browser's picker is a choice, not a failure.
      if (name !== 'NotAllowedError' && name !== 'AbortError') say(this.notice, `Your screen could not be shared (${name ?? String(error)}).`);
    }
    this.refresh(this.local());
  }

  private stopShare(): void {
    const track = this.screenTrack;
    if (!track) return;
    this.screenTrack = null;
    this.unpublish(track);
    track.stop();
    this.refresh(this.local());
  }

  private toggleHand(): void {
    this.handUp = !this.handUp;
    this.send({ t: 'hand', up: this.handUp });
    this.announce(this.handUp ? 'You raised your hand' : 'You lowered your hand');
    this.refresh(this.local());
  }

  private send(message: CallMessage): void {
    try {
      this.dataTrack?.send(encodeMessage(message));
    } catch {
      // not connected this instant; a raised hand is sent again on reconnect
    }
  }

  private receive(p: RemoteParticipant, message: CallMessage): void {
    if (message.t === 'hand') {
      const was = this.hands.has(p.sid);
      if (message.up) this.hands.add(p.sid);
      else this.hands.delete(p.sid);
      if (was !== message.up) this.announce(`${this.nameOf(p)} ${message.up ? 'raised' : 'lowered'} their hand`);
      this.refresh(p);
      return;
    }
    this.addChat(this.nameOf(p), message.text, new Date(message.at), false);
  }

  private sendChat(): void {
    const text = this.chatInput.value.trim();
    if (!text) return;
    const message: CallMessage = { t: 'chat', id: crypto.randomUUID(), text, at: new Date().toISOString() };
    this.send(message);
    this.addChat('You', text, new Date(), true);
    this.chatInput.value = '';
  }

  private addChat(from: string, text: string, at: Date, mine: boolean): void {
    const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(at);
    this.chatLog.append(
      el('li', { className: mine ? 'mine' : '' }, [
        el('span', { className: 'from', text: from }),
        el('time', { text: time, attrs: { datetime: at.toISOString() } }),
        el('p', { className: 'text', text }),
      ]),
    );
    this.chatLog.scrollTop = this.chatLog.scrollHeight;
    if (!mine && this.panel !== 'chat') {
      this.unread++;
      this.announce(`New message from ${from}`);
    }
    this.renderControls();
  }

  private togglePanel(which: 'people' | 'chat', open = this.panel !== which): void {
    const panelHadFocus = byId('panel').contains(document.activeElement);
    this.panel = open ? which : null;
    if (this.panel === 'chat') this.unread = 0;
    show(byId('panel'), this.panel !== null);
    show(byId('people-panel'), this.panel === 'people');
    show(byId('chat-panel'), this.panel === 'chat');
    document.body.classList.toggle('panel-open', this.panel !== null);
    if (this.panel === 'chat') this.chatInput.focus();
    // Closing a panel that had focus gives it back to the button that opens it (or, on a phone where
    // that button is folded away, to "More"), at once: the browser would only move it off the hidden
    // field at its next frame, and a key pressed before then would still go to the field.
    else if (panelHadFocus) (this.button[which].offsetParent ? this.button[which] : this.button.more).focus();
    this.renderControls();
    this.renderPeople();
    this.layout();
  }

  private renderPeople(): void {
    if (this.panel !== 'people') return;
    const items = [...this.tiles.values()].map((tile) => {
      const states = [
        tile.root.dataset.muted === 'true' ? 'Muted' : 'Microphone on',
        tile.root.dataset.cameraOff === 'true' ? 'camera off' : null,
        tile.root.classList.contains('hand') ? 'hand raised' : null,
        tile.root.classList.contains('sharing') ? 'presenting' : null,
      ].filter(Boolean);
      return el('li', { attrs: { 'data-identity': tile.participant.identity } }, [
        el('span', { className: 'person', text: tile.name }),
        el('span', { className: `states${tile.root.dataset.muted === 'true' ? ' is-muted' : ''}`, text: states.join(', ') }),
      ]);
    });
    byId('people-list').replaceChildren(...items);
    byId('people-heading').textContent = `People (${items.length})`;
  }

  private async openSettings(): Promise<void> {
    const devices = await listDevices();
    fillDevices(byId<HTMLSelectElement>('call-mic-select'), devices, 'audioinput', this.micTrack?.getSettings().deviceId ?? this.devices.micId);
    fillDevices(byId<HTMLSelectElement>('call-camera-select'), devices, 'videoinput', this.cameraTrack?.getSettings().deviceId ?? this.devices.cameraId);
    fillDevices(byId<HTMLSelectElement>('call-speaker-select'), devices, 'audiooutput', this.devices.speakerId);
    byId<HTMLInputElement>('background-blur').disabled = !this.cameraTrack;
    if (!this.settings.open) this.settings.showModal();
  }

  private async toggleFullscreen(): Promise<void> {
    try {
      if (document.fullscreenElement) await document.exitFullscreen();
      else await byId('call').requestFullscreen();
    } catch (error) {
      say(this.notice, `Full screen is not available here (${(error as Error).name}).`, 'info');
    }
  }

  private toggleShortcuts(open = this.shortcutsBox.hidden): void {
    show(this.shortcutsBox, open);
    this.button.shortcuts.setAttribute('aria-expanded', String(open));
    if (open) byId('shortcuts-close').focus();
    else if (document.activeElement === document.body || this.shortcutsBox.contains(document.activeElement)) this.button.shortcuts.focus();
  }

  private onKey(event: KeyboardEvent): void {
    if (byId('call').hidden || this.settings.open) return;
    const action = shortcutFor(event);
    if (!action) return;
    const run: Record<ShortcutAction, () => void> = {
      mic: () => this.toggleMic(),
      camera: () => void this.toggleCamera(),
      hand: () => this.toggleHand(),
      chat: () => this.togglePanel('chat'),
      people: () => this.togglePanel('people'),
      fullscreen: () => void this.toggleFullscreen(),
      help: () => this.toggleShortcuts(),
      leave: () => this.options.onLeave(),
      close: () => {
        if (!this.shortcutsBox.hidden) this.toggleShortcuts(false);
        else if (this.panel) this.togglePanel(this.panel, false);
      },
    };
    event.preventDefault();
    run[action]();
  }

  private renderControls(): void {
    if (!this.room) return;
    const b = this.button;
    const audio = [...this.local().audioTracks.values()];
    const micOn = this.micOn();
    b.mic.disabled = audio.length === 0;
    b.mic.textContent = audio.length === 0 ? 'No microphone' : micOn ? 'Mute' : 'Unmute';
    b.mic.setAttribute('aria-pressed', String(!micOn));
    b.camera.textContent = this.cameraTrack ? 'Stop camera' : 'Start camera';
    b.camera.setAttribute('aria-pressed', String(!this.cameraTrack));
    show(b.flip, Boolean(this.cameraTrack) && this.cameraCount > 1 && (this.phone.matches || window.matchMedia('(pointer: coarse)').matches));
    show(b.share, !this.screenTrack && Boolean(navigator.mediaDevices?.getDisplayMedia));
    show(b.stopShare, Boolean(this.screenTrack));
    b.hand.textContent = this.handUp ? 'Lower hand' : 'Raise hand';
    b.hand.setAttribute('aria-pressed', String(this.handUp));
    b.people.setAttribute('aria-expanded', String(this.panel === 'people'));
    b.chat.setAttribute('aria-expanded', String(this.panel === 'chat'));
    b.chat.textContent = this.unread ? `Chat (${this.unread} unread)` : 'Chat';
    b.fullscreen.setAttribute('aria-pressed', String(Boolean(document.fullscreenElement)));
    b.fullscreen.textContent = document.fullscreenElement ? 'Exit full screen' : 'Full screen';
  }

  private async countCameras(): Promise<void> {
    this.cameraCount = (await listDevices()).filter((d) => d.kind === 'videoinput').length;
    this.renderControls();
  }

  /** "You are muted": the muted microphone hears sound several times within two seconds (speech, not one click). */
  private onLocalLevel(level: number): void {
    const now = Date.now();
    if (!this.room || this.micOn()) {
      this.loud.length = 0;
      return;
    }
    if (level > 0.1) this.loud.push(now);
    while (this.loud.length && this.loud[0]! < now - 2000) this.loud.shift();
    if (this.loud.length >= 3) {
      this.quietSince = 0;
      this.showMutedHint(true);
    } else {
      this.quietSince ||= now;
      if (now - this.quietSince > 5000) this.showMutedHint(false);
    }
  }

  private showMutedHint(on: boolean): void {
    if (this.mutedHint.hidden === !on) return;
    show(this.mutedHint, on);
  }

  private tickElapsed(): void {
    this.elapsed.textContent = formatElapsed(Date.now() - this.options.startedAt);
  }

  private announce(text: string): void {
    this.news.textContent = text;
  }
}
