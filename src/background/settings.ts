/**
 * The settings in force, read from their three stores: `storage.local` `config` (what the
 * options page saves or an import brings), `storage.managed` (enterprise policy, wins key by
 * key and is locked) and `storage.local` `agent` (the agent's own name and language).
 * Everything read is validated by the core's checks; what is refused is kept as errors for the
 * options page. The last valid local configuration is persisted beside it (`config/last-valid`),
 * so a stored one that fails validation (damage, or an update that tightened the schema) leaves
 * the last valid one in force, with its sites and their registrations, in a new worker too.
 */
import { browser } from '../platform/browser';
import { DEFAULT_CONFIG, type CoachConfig, type CoachConfigInput } from '../core/coach/config';
import { acceptPolicy, checkConfigInput, effectiveConfig, lockedPaths, productLanguage, type KeyedConfigError } from '../core/config-layers';
import type { AgentSettings, SettingsView } from '../core/messages';

export const CONFIG_KEY = 'config';
export const AGENT_KEY = 'agent';
/** The last local configuration that passed validation, written with every valid one. */
export const LAST_VALID_KEY = 'config/last-valid';

/** What the settings stores hold, put together: the view the options page gets, less site states. */
export type Settings = Omit<SettingsView, 'language' | 'sites'> & {
  /**
   * The sites in force are not known (the stored configuration was refused and no valid one is
   * known, or the stores could not be read): site registrations must stay as they are.
   */
  holdRegistrations: boolean;
};

const DEFAULT_AGENT: AgentSettings = { name: '', language: null };

let cached: Promise<Settings> | undefined;

/**
 * How long to wait for policy before going on without it. Seen here: right after the browser
 * starts, `storage.managed.get()` can stay unanswered until Chrome's policy service is up
 * (and a waiting caller would hold up the coach and the site registrations).
 */
const POLICY_WAIT_MS = 1_000;
const listeners = new Set<() => void>();
/** Policy was asked for and has neither answered nor failed yet (see `policyPending`). */
let policyUnanswered = false;

/**
 * Whether settings read so far went on without a policy that has not answered yet: site
 * registrations keep what they have until it does (background/sites.ts).
 */
export function policyPending(): boolean {
  return policyUnanswered;
}

/** Called when settings read earlier turned out incomplete (policy arrived late). */
export function onSettingsStale(listener: () => void): void {
  listeners.add(listener);
}

/** The browser may have no managed storage at all (no policy, or Firefox without a manifest). */
async function readPolicy(): Promise<unknown> {
  const read = browser.storage.managed.get().catch(() => ({}));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = Symbol('late');
  const result = await Promise.race([read, new Promise<typeof late>((resolve) => (timer = setTimeout(() => resolve(late), POLICY_WAIT_MS)))]);
  clearTimeout(timer);
  if (result !== late) return result;
  console.warn('[Second Ring] policy not readable yet; going on without it until it is');
  policyUnanswered = true;
  void read.then(() => {
    policyUnanswered = false;
    forgetSettings();
    for (const listener of listeners) listener();
  });
  return {};
}

const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);

function readAgent(raw: unknown): AgentSettings {
  if (typeof raw !== 'object' || raw === null) return DEFAULT_AGENT;
  const { name, language } = raw as Partial<AgentSettings>;
  return {
    name: typeof name === 'string' ? name.slice(0, 80) : '',
    language: language === 'en' || language === 'lv' ? language : null,
  };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

const missing = { ok: false as const, errors: [{ path: '', keys: [], message: 'The stored configuration is missing' }] };

/** The local configuration in force, and which one it is. */
async function localInForce(rawLocal: unknown, rawLastValid: unknown): Promise<{ local: CoachConfigInput | undefined; inForce: SettingsView['inForce']; errors: KeyedConfigError[] }> {
  // Every save writes both keys: the copy without the configuration is damage, not "nothing saved".
  const checked = rawLocal === undefined && rawLastValid === undefined ? { ok: true as const } : rawLocal === undefined ? missing : checkConfigInput(rawLocal);
  if (checked.ok) {
    // Saved by an earlier version (or written by hand): keep a copy from now on.
    if (!same(rawLastValid, rawLocal)) {
      await browser.storage.local.set({ [LAST_VALID_KEY]: rawLocal }).catch((error: unknown) => console.warn('[Second Ring] last valid configuration not kept:', error));
    }
    return { local: (rawLocal ?? {}) as CoachConfigInput, inForce: 'saved', errors: [] };
  }
  console.warn('[Second Ring] stored configuration refused; the last valid one stays in force:', checked.errors);
  // The copy is checked too: an update may have tightened the schema under both.
  const lastValid = rawLastValid !== undefined && checkConfigInput(rawLastValid).ok ? (rawLastValid as CoachConfigInput) : undefined;
  return { local: lastValid, inForce: lastValid ? 'last-valid' : 'defaults', errors: checked.errors };
}

async function load(): Promise<Settings> {
  const [stored, managed] = await Promise.all([browser.storage.local.get([CONFIG_KEY, AGENT_KEY, LAST_VALID_KEY]), readPolicy()]);
  const rawLocal = stored[CONFIG_KEY];
  const { local, inForce, errors: localErrors } = await localInForce(rawLocal, stored[LAST_VALID_KEY]);
  const { policy, errors: policyErrors } = acceptPolicy(managed);
  if (policyErrors.length) console.warn('[Second Ring] policy values refused:', policyErrors);
  const agent = readAgent(stored[AGENT_KEY]);
  const browserLanguage = productLanguage(browser.i18n.getUILanguage());
  const { config, errors } = effectiveConfig({ local: local ?? {}, policy, agentLanguage: agent.language, browserLanguage });
  return {
    effective: config,
    // The stored one as it is, refused values and all: the options page shows and removes them.
    local: isObject(rawLocal) ? (rawLocal as CoachConfigInput) : (local ?? {}),
    policy,
    locked: lockedPaths(policy),
    errors: { local: [...localErrors, ...errors], policy: policyErrors },
    inForce,
    agent,
    browserLanguage,
    // Policy's sites are known whatever the local configuration is.
    holdRegistrations: local === undefined && policy.sites === undefined,
  };
}

export function loadSettings(): Promise<Settings> {
  cached ??= load().catch((error: unknown) => {
    cached = undefined;
    console.error('[Second Ring] settings unreadable; defaults in force:', error);
    return {
      effective: DEFAULT_CONFIG,
      local: {},
      policy: {},
      locked: [],
      errors: { local: [{ path: '', keys: [], message: String(error) }], policy: [] },
      inForce: 'defaults',
      agent: DEFAULT_AGENT,
      browserLanguage: 'en',
      holdRegistrations: true,
    } satisfies Settings;
  });
  return cached;
}

/**
 * The configuration the coach runs with: the one in force, plus the agent's own name for
 * `{agent}` in the greeting (the agent's setting, never part of the team's configuration).
 */
export const loadConfig = async (): Promise<CoachConfig> => {
  const { effective, agent } = await loadSettings();
  const name = agent.name.trim();
  return name ? { ...effective, agentName: name } : effective;
};

/** From a top-level storage.onChanged listener: the next read sees the new values. */
export function forgetSettings(): void {
  cached = undefined;
}

export async function saveLocalConfig(input: unknown): Promise<{ ok: true } | { ok: false; errors: KeyedConfigError[] }> {
  const checked = checkConfigInput(input);
  if (!checked.ok) return { ok: false, errors: checked.errors };
  // Both in one write: the copy is never older than what it stands in for.
  await browser.storage.local.set({ [CONFIG_KEY]: input, [LAST_VALID_KEY]: input });
  forgetSettings();
  return { ok: true };
}

export async function saveAgentSettings(input: AgentSettings): Promise<{ ok: true } | { ok: false; errors: KeyedConfigError[] }> {
  const errors: KeyedConfigError[] = [];
  if (typeof input.name !== 'string' || input.name.length > 80) errors.push({ path: 'name', keys: ['name'], message: 'At most 80 characters' });
  if (input.language !== null && input.language !== 'en' && input.language !== 'lv') {
    errors.push({ path: 'language', keys: ['language'], message: 'Expected "en", "lv" or none' });
  }
  if (errors.length) return { ok: false, errors };
  await browser.storage.local.set({ [AGENT_KEY]: { name: input.name.trim(), language: input.language } });
  forgetSettings();
  return { ok: true };
}
