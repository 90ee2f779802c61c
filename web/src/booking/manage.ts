import './embed-frame.js';
import { Formats } from './format.js';
import { detectedZone } from './zones.js';

// The manage page was written in UTC when the visitor's zone was not known (a link from an
// email, a bookmark): show the time in the zone this browser is in.
const when = document.getElementById('meeting-when');
const zone = detectedZone();
if (when && !when.dataset.zone && zone) {
  const start = Date.parse(when.getAttribute('datetime')!);
  const end = Date.parse(when.dataset.end!);
  when.textContent = new Formats(navigator.language || 'en-GB', zone).span(start, end);
}
