/**
 * The coaching UI's entry (nudge stack, call card, Preact, announcer, placement, position store):
 * not part of what runs at page start. The background injects it into a softphone frame's
 * isolated world when the content script first needs it (ui-loader.ts), or our own practice
 * page imports it; either way it only leaves its factories where the content script looks.
 * No webextension-polyfill here: the UI's code is compiled in the page's renderer and stays in
 * its heap (platform/content-runtime.ts is what it needs).
 */
import { createNudgeView } from './nudges/mount';
import { positionStore } from './nudges/position-store';
import { CONTENT_UI_KEY, type ContentUi } from './ui-loader';
import { contentRuntime } from '../platform/content-runtime';

/**
 * A coach step's card, ring counter and dismissals come as messages a few ms apart: drawn as one
 * render within this long (a new nudge is drawn at once). Under a frame at 60 Hz: nothing the
 * agent could see later.
 */
const COALESCE_MS = 12;

const ui: ContentUi = {
  version: contentRuntime.version(),
  createNudgeView: (options) => createNudgeView({ coalesceMs: COALESCE_MS, ...options }),
  positionStore,
};
(globalThis as { [CONTENT_UI_KEY]?: ContentUi })[CONTENT_UI_KEY] = ui;
