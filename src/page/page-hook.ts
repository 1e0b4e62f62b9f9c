/**
 * Page hook entry: MAIN world, document_start, no extension API (there is none here).
 * Bundled on its own as an IIFE. Installs once per window, even if injected twice.
 */
import { installBridge } from './bridge';
import { hookWebSocket } from './hook-websocket';
import { PAGE_PROTOCOL } from '../core/page-signal';
import { dateNow } from './captured-globals';

const INSTALLED = Symbol.for('second-ring.page-hook');
const scope = globalThis as { [INSTALLED]?: true };

if (!scope[INSTALLED]) {
  try {
    Object.defineProperty(scope, INSTALLED, { value: true });
    // Registered scripts run at document_start, while the document is still loading; a hook
    // injected into an open tab (install, update, a site added) comes after the page's scripts.
    const late = document.readyState !== 'loading';
    installBridge({ t: 'hook', v: PAGE_PROTOCOL, since: dateNow(), late });
    hookWebSocket(late);
  } catch (error) {
    // The softphone must work without us; say why once, in the console only.
    console.warn('[Second Ring] page hook not installed:', error);
  }
}
