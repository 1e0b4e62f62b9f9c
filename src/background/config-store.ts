/**
 * The coaching configuration in force. Stored in `storage.local` under `config`, validated by
 * the core's schema on every load: an invalid stored value is refused with its errors (kept
 * under `configErrors` for the options page) and the last valid configuration stays in force.
 */
import { browser } from '../platform/browser';
import { DEFAULT_CONFIG, parseCoachConfig, type CoachConfig } from '../core/coach';

export const CONFIG_KEY = 'config';
export const CONFIG_ERRORS_KEY = 'configErrors';

let cached: CoachConfig | undefined;
let lastValid: CoachConfig = DEFAULT_CONFIG;

export async function loadConfig(): Promise<CoachConfig> {
  if (cached) return cached;
  const stored = (await browser.storage.local.get(CONFIG_KEY))[CONFIG_KEY];
  if (stored === undefined) {
    cached = lastValid;
    return cached;
  }
  const parsed = parseCoachConfig(stored);
  if (parsed.ok) {
    lastValid = parsed.config;
    await browser.storage.local.remove(CONFIG_ERRORS_KEY);
  } else {
    console.warn('[Second Ring] stored configuration refused; the previous one stays in force:', parsed.errors);
    await browser.storage.local.set({ [CONFIG_ERRORS_KEY]: { at: Date.now(), errors: parsed.errors } });
  }
  cached = lastValid;
  return cached;
}

/** Call from a top-level storage.onChanged listener: the next step reads the new value. */
export function forgetCachedConfig(): void {
  cached = undefined;
}
