/**
 * Page hook entry: MAIN world, document_start, no extension API (there is none here).
 * Bundled on its own as an IIFE. Installs once per window, even if injected twice.
 */
import { installBridge } from './bridge';
import { hookWebSocket } from './hook-websocket';

const INSTALLED = Symbol.for('second-ring.page-hook');
const scope = globalThis as { [INSTALLED]?: true };

if (!scope[INSTALLED]) {
  try {
    Object.defineProperty(scope, INSTALLED, { value: true });
    installBridge();
    hookWebSocket();
  } catch (error) {
    // The softphone must work without us; say why once, in the console only.
    console.warn('[Second Ring] page hook not installed:', error);
  }
}
