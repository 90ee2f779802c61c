export type DeviceKind = 'camera' | 'microphone' | 'camera and microphone';

/** What went wrong with the camera or microphone, in words a person can act on. */
export function describeMediaError(error: unknown, kind: DeviceKind): string {
  const name = (error as { name?: string } | null)?.name ?? '';
  const it = kind === 'camera and microphone' ? 'them' : 'it';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return `Your browser blocked the ${kind}. Allow ${it} for this site (the camera icon in the address bar or the site settings), then reload the page.`;
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return `No ${kind} was found. Plug ${kind === 'camera and microphone' ? 'them' : 'one'} in and reload, or join without ${it}.`;
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return `Your ${kind} could not be started: another app may be using ${it}. Close that app and try again.`;
    case 'NoMediaDevices':
      return 'This browser cannot use a camera or microphone here. Open the link in a current browser over https.';
    default:
      return `Your ${kind} could not be started (${name || String(error)}).`;
  }
}

/** Why joining the call failed, from twilio-video's error codes. */
export function describeConnectError(error: unknown): string {
  const code = (error as { code?: number } | null)?.code;
  const name = (error as { name?: string } | null)?.name ?? '';
  if (code !== undefined && code >= 20101 && code <= 20107) return 'Your access to the call has expired. Reload the page to join again.';
  if (code === 53105) return 'This call is full: it has reached its maximum number of participants.';
  if (code === 53205) return 'You joined this call from another window or device, so this one was disconnected.';
  if ((code !== undefined && code >= 53000 && code < 54000) || /Signaling|MediaConnection|Network|TypeError/.test(name)) {
    return 'The video service could not be reached. Check your internet connection (a firewall or VPN can block calls) and try again.';
  }
  return `The call could not be joined${error instanceof Error && error.message ? `: ${error.message}` : '.'} Try again in a moment.`;
}

/**
 * Whether a lost connection is worth a fresh token and a new connect: the signaling or media
 * connection failed, or the access token expired or was refused while reconnecting.
 */
export function isRecoverable(error: unknown): boolean {
  const code = (error as { code?: number } | null)?.code;
  const name = (error as { name?: string } | null)?.name ?? '';
  if (code === undefined) return /Signaling|MediaConnection|Network/.test(name);
  return (code >= 20101 && code <= 20107) || (code >= 53000 && code <= 53002) || code === 53405 || code === 53407;
}
