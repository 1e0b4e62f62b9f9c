/**
 * The coaching UI's entry (nudge stack, call card, Preact, announcer, placement, position store):
 * not part of what runs at page start. The background injects it into a softphone frame's
 * isolated world when the content script first needs it (ui-loader.ts), or our own practice
 * page imports it; either way it only leaves its factories where the content script looks.
 */
import { createNudgeView } from './nudges/mount';
import { positionStore } from './nudges/position-store';
import { CONTENT_UI_KEY, type ContentUi } from './ui-loader';
import { browser } from '../platform/browser';

const ui: ContentUi = { version: browser.runtime.getManifest().version, createNudgeView, positionStore };
(globalThis as { [CONTENT_UI_KEY]?: ContentUi })[CONTENT_UI_KEY] = ui;
