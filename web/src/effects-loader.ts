/**
 * Background blur, from Twilio's video processors, loaded only when someone turns it on: the
 * library and its TensorFlow Lite model and WebAssembly stay out of the page's own script.
 */
interface BlurProcessor {
  loadModel(): Promise<void>;
}
interface EffectsModule {
  isSupported: boolean;
  createBlur(assetsPath: string): BlurProcessor;
}
declare global {
  interface Window {
    MeetingsEffects?: EffectsModule;
  }
}

const SCRIPT = '/assets/call-effects.js?v=2';
let loading: Promise<EffectsModule> | undefined;

/** What the processors need, checked without loading them: a canvas they can draw on, in a browser with workers. */
export function mayBlur(): boolean {
  if (typeof Worker === 'undefined' || typeof WebAssembly === 'undefined') return false;
  try {
    const canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1) : document.createElement('canvas');
    return Boolean(canvas.getContext('webgl2') ?? canvas.getContext('2d'));
  } catch {
    return false;
  }
}

export function loadEffects(): Promise<EffectsModule> {
  loading ??= new Promise<EffectsModule>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = SCRIPT;
    script.onload = () => (window.MeetingsEffects ? resolve(window.MeetingsEffects) : reject(new Error('the effects script did not load')));
    script.onerror = () => reject(new Error('the effects script could not be loaded'));
    document.head.append(script);
  }).catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** twilio-video's options for a processor: video frames to an ImageBitmap where the browser has them. */
export function processorOptions(): Record<string, string> {
  return typeof VideoFrame !== 'undefined' ? { inputFrameBufferType: 'videoframe', outputFrameBufferContextType: 'bitmaprenderer' } : {};
}
