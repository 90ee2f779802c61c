import { byId, el, say, show } from './dom.js';
import { describeMediaError } from './media-errors.js';

/**
 * The pre-join screen's own camera and microphone: a live preview, device pickers, and on/off
 * toggles that act on the real tracks (the microphone is muted by disabling its track, the camera
 * is stopped outright so its light goes off, and started again when turned back on).
 */
export class LocalMedia {
  audio: MediaStreamTrack | null = null;
  video: MediaStreamTrack | null = null;
  micOn = true;
  cameraOn = true;
  private micId: string | undefined;
  private cameraId: string | undefined;

  private readonly preview = byId<HTMLVideoElement>('preview');
  private readonly previewOff = byId('preview-off');
  private readonly notice = byId('notice');
  private readonly micSelect = byId<HTMLSelectElement>('mic-select');
  private readonly cameraSelect = byId<HTMLSelectElement>('camera-select');
  private readonly micButton = byId<HTMLButtonElement>('toggle-mic');
  private readonly cameraButton = byId<HTMLButtonElement>('toggle-camera');
  private readonly problems = new Map<'microphone' | 'camera', string>();

  constructor() {
    this.micButton.addEventListener('click', () => this.toggleMic());
    this.cameraButton.addEventListener('click', () => void this.toggleCamera());
    this.micSelect.addEventListener('change', () => void this.selectMic(this.micSelect.value));
    this.cameraSelect.addEventListener('change', () => void this.selectCamera(this.cameraSelect.value));
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
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: videoConstraints() });
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
    this.audio?.stop();
    this.video?.stop();
  }

  /** Hands the tracks over to the call: the preview lets go of them without stopping them. */
  release(): void {
    this.preview.srcObject = null;
  }

  private async acquire(kind: 'microphone' | 'camera'): Promise<boolean> {
    try {
      const stream = await navigator.mediaDevices.getUserMedia(
        kind === 'microphone'
          ? { audio: this.micId ? { deviceId: { exact: this.micId } } : true }
          : { video: videoConstraints(this.cameraId) },
      );
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
    let devices: MediaDeviceInfo[] = [];
    try {
      devices = await navigator.mediaDevices.enumerateDevices();
    } catch {
      return;
    }
    fill(this.micSelect, devices.filter((d) => d.kind === 'audioinput'), this.micId, 'Microphone');
    fill(this.cameraSelect, devices.filter((d) => d.kind === 'videoinput'), this.cameraId, 'Camera');
  }

  private render(): void {
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
    const problems = [...new Set(this.problems.values())];
    say(this.notice, problems.length ? problems.join(' ') : null);
  }
}

function videoConstraints(deviceId?: string): MediaTrackConstraints {
  return { width: { ideal: 1280 }, height: { ideal: 720 }, ...(deviceId ? { deviceId: { exact: deviceId } } : {}) };
}

function fill(select: HTMLSelectElement, devices: MediaDeviceInfo[], selected: string | undefined, label: string): void {
  select.replaceChildren(
    ...devices.map((d, i) => el('option', { text: d.label || `${label} ${i + 1}`, attrs: { value: d.deviceId } })),
  );
  if (devices.length === 0) select.append(el('option', { text: `No ${label.toLowerCase()} found`, attrs: { value: '' } }));
  select.disabled = devices.length === 0;
  if (selected && devices.some((d) => d.deviceId === selected)) select.value = selected;
}
