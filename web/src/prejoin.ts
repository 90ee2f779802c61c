import { AudioLevel } from './audio-level.js';
import { audioConstraints, canPickSpeaker, fillDevices, listDevices, playTestSound, videoConstraints } from './devices.js';
import { byId, say, show } from './dom.js';
import { describeMediaError } from './media-errors.js';

/**
 * The pre-join screen's own camera and microphone: a live preview, a microphone level meter,
 * device pickers (and the speaker, where the browser can choose one, with a test sound), and
 * on/off toggles that act on the real tracks (the microphone is muted by disabling its track, the
 * camera is stopped outright so its light goes off, and started again when turned back on).
 */
export class LocalMedia {
  audio: MediaStreamTrack | null = null;
  video: MediaStreamTrack | null = null;
  micOn = true;
  cameraOn = true;
  micId: string | undefined;
  cameraId: string | undefined;
  speakerId: string | undefined;
  /** A message that stays beside the device problems (the video service is not available). */
  standing: string | null = null;

  private readonly preview = byId<HTMLVideoElement>('preview');
  private readonly previewOff = byId('preview-off');
  private readonly notice = byId('notice');
  private readonly micSelect = byId<HTMLSelectElement>('mic-select');
  private readonly cameraSelect = byId<HTMLSelectElement>('camera-select');
  private readonly speakerSelect = byId<HTMLSelectElement>('speaker-select');
  private readonly micButton = byId<HTMLButtonElement>('toggle-mic');
  private readonly cameraButton = byId<HTMLButtonElement>('toggle-camera');
  private readonly meter = byId<HTMLMeterElement>('mic-level');
  private readonly problems = new Map<'microphone' | 'camera', string>();
  private readonly level = new AudioLevel((level) => this.showLevel(level));
  private released = false;

  constructor() {
    this.micButton.addEventListener('click', () => this.toggleMic());
    this.cameraButton.addEventListener('click', () => void this.toggleCamera());
    this.micSelect.addEventListener('change', () => void this.selectMic(this.micSelect.value));
    this.cameraSelect.addEventListener('change', () => void this.selectCamera(this.cameraSelect.value));
    this.speakerSelect.addEventListener('change', () => (this.speakerId = this.speakerSelect.value));
    byId('test-sound').addEventListener('click', () => void playTestSound(this.speakerId));
    show(byId('speaker-field'), canPickSpeaker());
    navigator.mediaDevices?.addEventListener?.('devicechange', () => void this.listDevices());
  }

  /** Asks for both at once (one permission prompt); if that fails, each alone, to say precisely which failed. */
  async start(): Promise<void> {
    if (!navigator.mediaDevices?.getUserMedia) {
      this.problems.set('camera', describeMediaError({ name: 'NoMediaDevices' }, 'camera and microphone'));
      this.render();
      return;
    }
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: audioConstraints(), video: videoConstraints() });
      this.audio = stream.getAudioTracks()[0] ?? null;
      this.video = stream.getVideoTracks()[0] ?? null;
    } catch (both) {
      const name = (both as { name?: string }).name;
      if (name === 'NotAllowedError' || name === 'PermissionDeniedError' || name === 'SecurityError') {
        this.problems.set('camera', describeMediaError(both, 'camera and microphone'));
      } else {
        await Promise.all([this.acquire('microphone'), this.acquire('camera')]);
      }
    }
    this.micId = this.audio?.getSettings().deviceId;
    this.cameraId = this.video?.getSettings().deviceId;
    this.cameraOn = Boolean(this.video);
    // The preview first; the level meter and the device lists after it.
    this.render();
    this.level.listen(this.audio);
    await this.listDevices();
    this.render();
  }

  toggleMic(): void {
    if (!this.audio) return;
    this.micOn = !this.micOn;
    this.audio.enabled = this.micOn;
    this.render();
  }

  async toggleCamera(): Promise<void> {
    if (this.cameraOn) {
      this.video?.stop();
      this.video = null;
      this.cameraOn = false;
    } else {
      this.cameraOn = await this.acquire('camera');
    }
    this.render();
  }

  async selectMic(deviceId: string): Promise<void> {
    this.micId = deviceId;
    const old = this.audio;
    if (await this.acquire('microphone')) old?.stop();
    if (this.audio) this.audio.enabled = this.micOn;
    this.level.listen(this.audio);
    this.render();
  }

  async selectCamera(deviceId: string): Promise<void> {
    this.cameraId = deviceId;
    if (!this.cameraOn) return this.render();
    const old = this.video;
    old?.stop();
    this.cameraOn = await this.acquire('camera');
    this.render();
  }

  /** The tracks to take into the call; the caller owns them from here. */
  tracks(): MediaStreamTrack[] {
    return [this.audio, this.cameraOn ? this.video : null].filter((t): t is MediaStreamTrack => Boolean(t && t.readyState === 'live'));
  }

  stop(): void {
    this.level.close();
    this.audio?.stop();
    this.video?.stop();
  }

  /** Hands the tracks over to the call: the preview lets go of them without stopping them. */
  release(): void {
    this.released = true;
    this.level.close();
    this.preview.srcObject = null;
  }

  private async acquire(kind: 'microphone' | 'camera'): Promise<boolean> {
    try {
      const stream = await navigator.mediaDevices.getUserMedia(kind === 'microphone' ? { audio: audioConstraints(this.micId) } : { video: videoConstraints(this.cameraId) });
      if (kind === 'microphone') this.audio = stream.getAudioTracks()[0] ?? null;
      else this.video = stream.getVideoTracks()[0] ?? null;
      this.problems.delete(kind);
      return true;
    } catch (error) {
      this.problems.set(kind, describeMediaError(error, kind));
      return false;
    }
  }

  private async listDevices(): Promise<void> {
    const devices = await listDevices();
    fillDevices(this.micSelect, devices, 'audioinput', this.micId);
    fillDevices(this.cameraSelect, devices, 'videoinput', this.cameraId);
    fillDevices(this.speakerSelect, devices, 'audiooutput', this.speakerId);
    this.speakerId ??= this.speakerSelect.value || undefined;
  }

  private showLevel(level: number): void {
    const percent = this.micOn && !this.released ? Math.round(level * 100) : 0;
    this.meter.value = percent;
    this.meter.textContent = `${percent}%`;
  }

  private render(): void {
    if (this.released) return;
    const stream = new MediaStream([this.video, this.audio].filter((t): t is MediaStreamTrack => Boolean(t)));
    this.preview.srcObject = this.video ? stream : null;
    show(this.preview, Boolean(this.video));
    show(this.previewOff, !this.video);
    this.previewOff.textContent = this.problems.has('camera') ? 'No camera' : 'Your camera is off';

    this.micButton.disabled = !this.audio;
    this.micButton.setAttribute('aria-pressed', String(!this.micOn));
    this.micButton.textContent = !this.audio ? 'No microphone' : this.micOn ? 'Mute microphone' : 'Unmute microphone';
    this.cameraButton.disabled = this.problems.has('camera') && !this.video && !this.cameraOn && this.cameraSelect.options.length === 0;
    this.cameraButton.setAttribute('aria-pressed', String(!this.cameraOn));
    this.cameraButton.textContent = this.cameraOn ? 'Turn camera off' : 'Turn camera on';
    const messages = [...new Set(this.problems.values()), ...(this.standing ? [this.standing] : [])];
    say(this.notice, messages.length ? messages.join(' ') : null);
  }
}
