/**
 * The loudness of a microphone track, 0 to 1, sampled on animation frames: the pre-join level
 * meter and the "You are muted" hint. It reads a clone of the track, so it keeps hearing the
 * microphone while the track sent to the call is muted (disabled).
 */
export class AudioLevel {
  private context: AudioContext | null = null;
  private source: MediaStreamAudioSourceNode | null = null;
  private clone: MediaStreamTrack | null = null;
  private analyser: AnalyserNode | null = null;
  private data: Uint8Array<ArrayBuffer> | null = null;
  private timer: number | undefined;

  constructor(private readonly onLevel: (level: number) => void) {}

  listen(track: MediaStreamTrack | null): void {
    this.stop();
    if (!track || track.readyState !== 'live' || typeof AudioContext === 'undefined') return;
    this.context ??= new AudioContext();
    this.clone = track.clone();
    this.clone.enabled = true;
    this.source = this.context.createMediaStreamSource(new MediaStream([this.clone]));
    this.analyser = this.context.createAnalyser();
    // A window longer than the sampling interval, so no sound falls between two samples.
    this.analyser.fftSize = 8192;
    this.data = new Uint8Array(this.analyser.fftSize);
    this.source.connect(this.analyser);
    void this.context.resume().catch(() => {});
    this.timer = window.setInterval(() => this.sample(), 100);
  }

  stop(): void {
    window.clearInterval(this.timer);
    this.source?.disconnect();
    this.clone?.stop();
    this.source = null;
    this.clone = null;
    this.analyser = null;
  }

  close(): void {
    this.stop();
    void this.context?.close().catch(() => {});
    this.context = null;
  }

  private sample(): void {
    if (!this.analyser || !this.data) return;
    this.analyser.getByteTimeDomainData(this.data);
    let sum = 0;
    for (const v of this.data) {
      const x = (v - 128) / 128;
      sum += x * x;
    }
    // RMS, scaled so speech sits in the middle of the meter.
    this.onLevel(Math.min(1, Math.sqrt(sum / this.data.length) * 4));
  }
}
