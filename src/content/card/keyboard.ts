/**
 * The call card's keyboard shortcut: Alt+Shift+S goes to the card, and from the card back to
 * where the agent was. Matched on the physical key (`code`), so it is the same key on a Latvian
 * or any other layout. Why this one: softphones bind single keys, Ctrl combinations and F-keys
 * (answer, hang up, mute, hold); the browser's own Alt+Shift combinations are Alt+Shift+I
 * (feedback) and a few on other platforms, and Alt+Shift alone switches the keyboard layout on
 * Windows (with a letter it does not). It is only claimed while a card is on the page; otherwise
 * the key goes to the page untouched. Making it configurable is for later.
 */
export interface Shortcut {
  code: string;
  altKey: boolean;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}

export const CARD_SHORTCUT: Shortcut = { code: 'KeyS', altKey: true, shiftKey: true, ctrlKey: false, metaKey: false };

export function matchesShortcut(event: Pick<KeyboardEvent, keyof Shortcut>, shortcut: Shortcut = CARD_SHORTCUT): boolean {
  return (
    event.code === shortcut.code &&
    event.altKey === shortcut.altKey &&
    event.shiftKey === shortcut.shiftKey &&
    event.ctrlKey === shortcut.ctrlKey &&
    event.metaKey === shortcut.metaKey
  );
}
