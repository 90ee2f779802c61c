export type ShortcutAction = 'mic' | 'camera' | 'hand' | 'chat' | 'people' | 'fullscreen' | 'help' | 'leave' | 'close';

/** The call's keyboard shortcuts (listed in the help popover); none while typing in a field. */
export function shortcutFor(event: KeyboardEvent): ShortcutAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return null;
  const target = event.target as HTMLElement | null;
  if (event.key === 'Escape') return 'close';
  if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return null;
  switch (event.key) {
    case 'm':
    case 'M':
      return event.shiftKey ? null : 'mic';
    case 'v':
    case 'V':
      return event.shiftKey ? null : 'camera';
    case 'h':
    case 'H':
      return event.shiftKey ? null : 'hand';
    case 'c':
    case 'C':
      return event.shiftKey ? null : 'chat';
    case 'p':
    case 'P':
      return event.shiftKey ? null : 'people';
    case 'f':
    case 'F':
      return event.shiftKey ? null : 'fullscreen';
    case '?':
      return 'help';
    case 'L':
      return event.shiftKey ? 'leave' : null;
    default:
      return null;
  }
}
