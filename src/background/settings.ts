/**
 * The settings in force, read from their three stores: `storage.local` `config` (what the
 * options page saves or an import brings), `storage.managed` (enterprise policy, wins key by
 * key and is locked) and `storage.local` `agent` (the agent's own name and language).
 * Everything read is validated by the core's schema; what is refused is kept as errors for the
 * options page, and the last valid configuration stays in force.
 */
import { browser } from '../platform/browser';
import { parseCoachConfig, DEFAULT_CONFIG, type CoachConfig, type CoachConfigInput, type ConfigError } from '../core/coach/config';
import { acceptPolicy, effectiveConfig, lockedPaths, productLanguage } from '../core/config-layers';
import type { AgentSettings, SettingsView } from '../core/messages';

export const CONFIG_KEY = 'config';
export const AGENT_KEY = 'agent';

/** What the settings stores hold, put together: the view the options page gets, less site states. */
export type Settings = Omit<SettingsView, 'language' | 'sites'>;

const DEFAULT_AGENT: AgentSettings = { name: '', language: null };

let cached: Promise<Settings> | undefined;
let lastValidLocal: CoachConfigInput = {};

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

async function load(): Promise<Settings> {
  const [stored, managed] = await Promise.all([browser.storage.local.get([CONFIG_KEY, AGENT_KEY]), readPolicy()]);
  const localErrors: ConfigError[] = [];
  const rawLocal = stored[CONFIG_KEY];
  if (rawLocal !== undefined) {
    const parsed = parseCoachConfig(rawLocal);
    if (parsed.ok) lastValidLocal = rawLocal as CoachConfigInput;
    else {
      localErrors.push(...parsed.errors);
      console.warn('[Second Ring] stored configuration refused; the previous one stays in force:', parsed.errors);
    }
  }
  const { policy, errors: policyErrors } = acceptPolicy(managed);
  if (policyErrors.length) console.warn('[Second Ring] policy values refused:', policyErrors);
  const agent = readAgent(stored[AGENT_KEY]);
  const browserLanguage = productLanguage(browser.i18n.getUILanguage());
  const { config, errors } = effectiveConfig({ local: lastValidLocal, policy, agentLanguage: agent.language, browserLanguage });
  return {
    effective: config,
    local: isObject(rawLocal) ? (rawLocal as CoachConfigInput) : lastValidLocal,
    policy,
    locked: lockedPaths(policy),
    errors: { local: [...localErrors, ...errors], policy: policyErrors },
    agent,
    browserLanguage,
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
      errors: { local: [{ path: '', message: String(error) }], policy: [] },
      agent: DEFAULT_AGENT,
      browserLanguage: 'en',
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

export async function saveLocalConfig(input: unknown): Promise<{ ok: true } | { ok: false; errors: ConfigError[] }> {
  const parsed = parseCoachConfig(input);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  await browser.storage.local.set({ [CONFIG_KEY]: input });
  forgetSettings();
  return { ok: true };
}

export async function saveAgentSettings(input: AgentSettings): Promise<{ ok: true } | { ok: false; errors: ConfigError[] }> {
  const errors: ConfigError[] = [];
  if (typeof input.name !== 'string' || input.name.length > 80) errors.push({ path: 'name', message: 'At most 80 characters' });
  if (input.language !== null && input.language !== 'en' && input.language !== 'lv') {
    errors.push({ path: 'language', message: 'Expected "en", "lv" or none' });
  }
  if (errors.length) return { ok: false, errors };
  await browser.storage.local.set({ [AGENT_KEY]: { name: input.name.trim(), language: input.language } });
  forgetSettings();
  return { ok: true };
}
