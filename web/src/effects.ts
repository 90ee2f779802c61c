import type {} from './effects-loader.js';
// The lazily loaded effects bundle (web/build.mjs builds it as call-effects.js): Twilio's video
// processors, set on window for the call page to pick up.
import { GaussianBlurBackgroundProcessor, isSupported } from '@twilio/video-processors';

window.MeetingsEffects = {
  isSupported,
  createBlur: (assetsPath: string) => new GaussianBlurBackgroundProcessor({ assetsPath, blurFilterRadius: 15 }),
};
