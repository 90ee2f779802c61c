import { el } from './dom.js';

/** Whether this browser can choose where audio plays (HTMLMediaElement.setSinkId). */
export function canPickSpeaker(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}

export async function listDevices(): Promise<MediaDeviceInfo[]> {
  try {
    return await navigator.mediaDevices.enumerateDevices();
  } catch {
    return [];
  }
}

const labels = { audioinput: 'Microphone', videoinput: 'Camera', audiooutput: 'Speaker' } as const;

/** Fills a device picker with the devices of one kind, keeping `selected` when it is still there. */
export function fillDevices(select: HTMLSelectElement, devices: MediaDeviceInfo[], kind: MediaDeviceKind, selected: string | undefined): void {
  const label = labels[kind];
  const mine = devices.filter((d) => d.kind === kind && (kind !== 'audiooutput' || d.deviceId !== 'communications'));
  select.replaceChildren(...mine.map((d, i) => el('option', { text: d.label || `${label} ${i + 1}`, attrs: { value: d.deviceId } })));
  if (mine.length === 0) select.append(el('option', { text: `No ${label.toLowerCase()} found`, attrs: { value: '' } }));
  select.disabled = mine.length === 0;
  if (selected !== undefined && mine.some((d) => d.deviceId === selected)) select.value = selected;
}

export function videoConstraints(deviceId?: string, facingMode?: string): MediaTrackConstraints {
  return {
    width: { ideal: 1280 },
    height: { ideal: 720 },
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
    ...(facingMode && !deviceId ? { facingMode: { exact: facingMode } } : {}),
  };
}

export function audioConstraints(deviceId?: string, noiseSuppression = true): MediaTrackConstraints {
  return { ...(deviceId ? { deviceId: { exact: deviceId } } : {}), noiseSuppression, echoCancellation: true };
}

/** Sends audio elements to the chosen speaker where the browser can. */
export async function routeAudio(elements: Iterable<HTMLMediaElement>, sinkId: string | undefined): Promise<void> {
  if (!canPickSpeaker() || sinkId === undefined) return;
  await Promise.all(
    [...elements].map((element) => (element as HTMLMediaElement & { setSinkId(id: string): Promise<void> }).setSinkId(sinkId).catch(() => {})),
  );
}

/**
 * A short two-tone chime played on the chosen speaker, so a person can hear which one it is.
 * Made with WebAudio into a MediaStream for an <audio> element (which can pick its output).
 */
export async function playTestSound(sinkId: string | undefined): Promise<HTMLAudioElement> {
  const context = new AudioContext();
  const destination = context.createMediaStreamDestination();
  const gain = context.createGain();
  gain.connect(destination);
  const start = context.currentTime + 0.05;
  [660, 880].forEach((frequency, i) => {
    const oscillator = context.createOscillator();
    oscillator.frequency.value = frequency;
    oscillator.connect(gain);
    oscillator.start(start + i * 0.35);
    oscillator.stop(start + i * 0.35 + 0.3);
  });
  gain.gain.setValueAtTime(0.2, start);
  const audio = document.createElement('audio');
  audio.id = 'test-sound-audio';
  audio.srcObject = destination.stream;
  await routeAudio([audio], sinkId);
  document.getElementById('test-sound-audio')?.remove();
  audio.hidden = true;
  document.body.append(audio);
  await audio.play().catch(() => {});
  window.setTimeout(() => {
    audio.pause();
    void context.close();
  }, 1200);
  return audio;
}
