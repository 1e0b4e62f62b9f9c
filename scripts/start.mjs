#!/usr/bin/env node
// `npm start`: try Second Ring on its practice softphone, from a fresh checkout.
//
// 1. Installs what it needs (scripts/setup.sh without the SIP server: Debian's Chromium and the
//    npm packages; elsewhere `npm ci`), and builds the extension (`npx vite build` → dist/).
// 2. With a display: opens Chromium (or Chrome / Edge where no Chromium is installed) with the
//    extension loaded, on the practice page, with a profile of its own (.second-ring-profile/)
//    so settings stay between starts. Close the browser to stop.
// 3. Without a display (or with --headless): plays one practice call headless — the hold scenario
//    answered late on purpose, or with --scenario <id> that scenario played well — prints each
//    nudge as it appears (time since the first ring, rule id, text), saves screenshots of the
//    nudges, of the overlay at the end of the call and of the score card to
//    test-results/practice-<time>/, and exits 0.
//
// Plain Node with builtins only at the top level: it runs before `npm ci`; playwright-core is
// imported once the set-up has installed it.
//
// Options: --headless, --scenario <id> (headed: the scenario the page opens with; headless: the
// scenario played), --help.
// Environment: SECOND_RING_SKIP_BUILD=1 (skip set-up and build when dist/ is built already),
// SECOND_RING_DIST (another built extension, e.g. dist-e2e), SECOND_RING_BROWSER (a browser
// executable), SECOND_RING_LOAD=cdp|flag (load the extension over CDP, or with --load-extension;
// default by browser), SECOND_RING_PROFILE (the headed run's profile directory),
// SECOND_RING_RESULTS (where the headless run's folder goes; default test-results).
/* global document, getComputedStyle -- only inside page.evaluate(), which runs in the page */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(ROOT);

const PRACTICE_PAGE = 'src/ui/practice/index.html';
/** The practice scenarios (src/core/practice/scenarios.ts; a unit test keeps the two lists equal). */
const SCENARIOS = ['answer-window', 'greeting-name', 'hold', 'transfer', 'message', 'closing'];
const WORKER_TIMEOUT_MS = 15_000;
const WIN = process.platform === 'win32';

const USAGE = `usage: npm start [-- --headless] [-- --scenario <id>]

Opens the practice softphone in Chromium (or Chrome/Edge) with Second Ring loaded. Without a
display, or with --headless, plays one practice call and saves screenshots instead: the hold
scenario answered late on purpose, or with --scenario the scenario named, played well.

Scenarios: ${SCENARIOS.join(', ')}`;

function usageError(message) {
  console.error(`start: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv) {
  const options = { headless: false, scenario: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === '--headless') options.headless = true;
    else if (arg === '--scenario' || arg.startsWith('--scenario=')) {
      const value = arg === '--scenario' ? argv[++i] : arg.slice('--scenario='.length);
      if (value === undefined || value === '' || value.startsWith('--')) {
        usageError(`--scenario needs a scenario id, one of: ${SCENARIOS.join(', ')}`);
      }
      if (!SCENARIOS.includes(value)) usageError(`unknown scenario "${value}"; the scenarios are: ${SCENARIOS.join(', ')}`);
      options.scenario = value;
    } else usageError(`unknown argument "${arg}"`);
  }
  return options;
}

const options = parseArgs(process.argv.slice(2));
const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const headless = options.headless || !hasDisplay;
const DIST = path.resolve(process.env.SECOND_RING_DIST ?? 'dist');
const PROFILE = path.resolve(process.env.SECOND_RING_PROFILE ?? '.second-ring-profile');

function fail(message) {
  console.error(`\n✗ start: ${message}`);
  process.exit(1);
}

function run(label, command, args, env = {}) {
  console.log(`▶ ${label}: ${command} ${args.join(' ')}`);
  const { status, error } = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env }, shell: WIN });
  if (error) fail(`${label}: ${error.message}`);
  if (status !== 0) fail(`${label} failed (exit ${status})`);
}

const onPath = (name) =>
  (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, WIN ? `${name}.exe` : name)));

// ─── the browser ──────────────────────────────────────────────────────────────────────────────

/** SECOND_RING_LOAD=cdp|flag overrides how the extension is loaded (`branded` = over CDP). */
const loadBy = (kind) => ({ cdp: 'branded', flag: 'chromium' })[process.env.SECOND_RING_LOAD] ?? kind;

/** Chromium honours --load-extension; branded Chrome (137+) and Edge do not: they load it over CDP. */
function findBrowser() {
  const own = process.env.SECOND_RING_BROWSER ?? process.env.CHROMIUM_PATH;
  if (own) {
    if (!fs.existsSync(own)) fail(`no browser at ${own} (SECOND_RING_BROWSER / CHROMIUM_PATH)`);
    return { path: own, kind: loadBy(/chromium/i.test(own) ? 'chromium' : 'branded') };
  }
  const env = (name) => process.env[name] ?? '';
  const chromium = [
    '/usr/bin/chromium',
    '/usr/lib/chromium/chromium',
    '/usr/bin/chromium-browser',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    path.join(env('LOCALAPPDATA'), 'Chromium', 'Application', 'chrome.exe'),
  ];
  const branded = [
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/opt/google/chrome/chrome',
    '/usr/bin/microsoft-edge',
    '/usr/bin/microsoft-edge-stable',
    '/opt/microsoft/msedge/msedge',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
    path.join(env('PROGRAMFILES'), 'Google', 'Chrome', 'Application', 'chrome.exe'),
    path.join(env('PROGRAMFILES(X86)'), 'Google', 'Chrome', 'Application', 'chrome.exe'),
    path.join(env('LOCALAPPDATA'), 'Google', 'Chrome', 'Application', 'chrome.exe'),
    path.join(env('PROGRAMFILES(X86)'), 'Microsoft', 'Edge', 'Application', 'msedge.exe'),
    path.join(env('PROGRAMFILES'), 'Microsoft', 'Edge', 'Application', 'msedge.exe'),
  ];
  const found = (list) => list.find((p) => path.isAbsolute(p) && fs.existsSync(p));
  const c = found(chromium);
  if (c) return { path: c, kind: loadBy('chromium') };
  const b = found(branded);
  if (b) return { path: b, kind: loadBy('branded') };
  return undefined;
}

// ─── set-up and build ─────────────────────────────────────────────────────────────────────────

function npmInstallIfStale() {
  const stamp = path.join('node_modules', '.second-ring-lock');
  const want = createHash('sha256').update(fs.readFileSync('package-lock.json')).digest('hex');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === want) return;
  run('set-up', WIN ? 'npm.cmd' : 'npm', ['ci', '--no-audit', '--no-fund']);
  fs.writeFileSync(stamp, `${want}\n`);
}

function setUp() {
  const debian = process.platform === 'linux' && onPath('apt-get') && onPath('dpkg');
  const browser = findBrowser();
  // setup.sh installs Debian's Chromium when it is missing; with Chrome or Edge there already, only npm is needed.
  if (debian && (browser === undefined || browser.kind === 'chromium')) {
    run('set-up', 'bash', ['scripts/setup.sh'], { SECOND_RING_NO_SIP_SERVER: '1' });
  } else {
    npmInstallIfStale();
  }
}

const built = () => fs.existsSync(path.join(DIST, 'manifest.json')) && fs.existsSync(path.join(DIST, PRACTICE_PAGE));

if (process.env.SECOND_RING_SKIP_BUILD === '1' && built()) {
  console.log(`▶ set-up and build skipped (SECOND_RING_SKIP_BUILD=1, ${path.relative(ROOT, DIST) || DIST} is built)`);
} else {
  setUp();
  if (process.env.SECOND_RING_DIST) {
    if (!built()) fail(`no built extension with the practice page at ${DIST}`);
  } else {
    run('build', WIN ? 'npx.cmd' : 'npx', ['vite', 'build', '--logLevel', 'warn']);
  }
}
if (!built()) fail(`the build has no ${PRACTICE_PAGE} in ${DIST}`);

const browser = findBrowser();
if (!browser) {
  fail(
    'no Chromium, Chrome or Edge found. On Debian/Ubuntu: sudo apt-get install -y chromium; or set SECOND_RING_BROWSER to a browser executable.',
  );
}

const { chromium } = await import('playwright-core');

const how = () => (browser.kind === 'chromium' ? 'Chromium: --load-extension' : 'Chrome/Edge: CDP Extensions.loadUnpacked');

// ─── launch with the extension ────────────────────────────────────────────────────────────────

async function launch({ headless: hidden, profile }) {
  const args = ['--no-first-run', '--no-default-browser-check', '--autoplay-policy=no-user-gesture-required'];
  const ignoreDefaultArgs = hidden ? [] : ['--enable-automation'];
  if (browser.kind === 'chromium') {
    args.unshift(`--disable-extensions-except=${DIST}`, `--load-extension=${DIST}`);
  } else {
    // Branded Chrome ignores --load-extension: load it over CDP, which needs extensions enabled.
    args.unshift('--enable-unsafe-extension-debugging');
    ignoreDefaultArgs.push('--disable-extensions');
  }
  if (hidden) args.push('--disable-gpu');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: browser.path,
    headless: hidden,
    args,
    ignoreDefaultArgs,
    // The agent's own browser window runs sandboxed (Chromium refuses that as root).
    chromiumSandbox: !hidden && process.getuid?.() !== 0,
    viewport: hidden ? { width: 1280, height: 900 } : null,
  });
  let id;
  if (browser.kind === 'branded') {
    const owner = context.browser();
    if (!owner) {
      await context.close();
      fail(`cannot reach ${browser.path} over CDP to load the extension`);
    }
    const cdp = await owner.newBrowserCDPSession();
    try {
      ({ id } = await cdp.send('Extensions.loadUnpacked', { path: DIST }));
    } catch (error) {
      await context.close();
      fail(`${browser.path} refused to load ${DIST} over CDP (Extensions.loadUnpacked): ${error.message}`);
    }
  }
  const worker = await ourWorker(context, id);
  if (!worker) {
    await context.close();
    fail(
      `no service worker of the extension within ${WORKER_TIMEOUT_MS / 1000} s: ${browser.path} did not load ${DIST}.` +
        (browser.kind === 'chromium'
          ? ' This browser ignores --load-extension (as branded Chrome 137+ does): try SECOND_RING_LOAD=cdp to load it over CDP.'
          : ' It was loaded over CDP (Extensions.loadUnpacked with --enable-unsafe-extension-debugging) and did not start.'),
    );
  }
  return { context, base: `chrome-extension://${new URL(worker.url()).host}/` };
}

async function ourWorker(context, id) {
  const end = Date.now() + WORKER_TIMEOUT_MS;
  for (;;) {
    for (const worker of context.serviceWorkers()) {
      const url = worker.url();
      if (!url.startsWith('chrome-extension://')) continue;
      if (id ? url.startsWith(`chrome-extension://${id}/`) : await isSecondRing(worker)) return worker;
    }
    const left = end - Date.now();
    if (left <= 0) return undefined;
    await context.waitForEvent('serviceworker', { timeout: Math.min(left, 1_000) }).catch(() => undefined);
  }
}

async function isSecondRing(worker) {
  try {
    return await worker.evaluate(() => globalThis.chrome?.runtime?.getManifest?.().short_name === 'Second Ring');
  } catch {
    return false;
  }
}

// ─── headed: the practice page, until the browser closes ──────────────────────────────────────

async function headed() {
  fs.mkdirSync(PROFILE, { recursive: true });
  console.log(`▶ opening ${browser.path} (${how()})`);
  console.log(`  profile: ${PROFILE} (settings stay between starts)`);
  const { context, base } = await launch({ headless: false, profile: PROFILE });
  const url = `${base}${PRACTICE_PAGE}${options.scenario ? `?scenario=${options.scenario}` : ''}`;
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(url);
  await page.bringToFront();
  console.log(`\nSecond Ring practice calls: ${url}`);
  console.log('Settings (your name, language, rules): the extension’s options page. Close the browser window to stop.');
  const closed = new Promise((resolve) => context.on('close', resolve));
  const stop = () => void context.close().catch(() => undefined);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await closed;
  process.exit(0);
}

// ─── headless: one scripted practice call ─────────────────────────────────────────────────────

/**
 * How the headless run plays each scenario well (the caller's replies are core/practice/caller.ts).
 * `play(step)` gets the helpers below; the hold scenario without --scenario is answered late on
 * purpose so the run shows the answer-window nudge too.
 */
const PLAYS = {
  'answer-window': async (s) => {
    await s.answer();
    await s.greet();
    await s.say('give-answer', 'answer-thanks');
    await s.close();
  },
  'greeting-name': async (s) => {
    await s.answer();
    await s.greet();
    await s.say('ask-name', 'name');
    await s.say('use-name');
    await s.say('give-answer', 'answer-thanks');
    await s.close();
  },
  hold: async (s) => {
    await s.answer();
    await s.greet();
    await s.say('ask-name', 'name');
    await s.say('use-name');
    await s.say('ask-hold', 'hold-yes');
    await s.click('hold', 'you put the caller on hold');
    await s.phase('on-hold');
    await s.wait(3_000);
    await s.click('resume', 'you resume');
    await s.say('thank-hold', 'back-quick');
    await s.say('give-answer', 'answer-thanks');
    await s.close();
  },
  transfer: async (s) => {
    await s.answer();
    await s.greet();
    await s.choose('colleague', 'janis');
    await s.say('announce-transfer', 'transfer-ok');
    await s.click('transfer', 'you transfer the caller to Jānis Ozols (billing)');
    await s.phase('ended', 10_000);
  },
  message: async (s) => {
    await s.answer();
    await s.greet();
    await s.choose('colleague', 'peteris');
    await s.say('colleague-out', 'message');
    await s.say('ask-name', 'name');
    await s.say('ask-number', 'number');
    await s.say('read-back', 'confirm');
    await s.say('promise-callback', 'callback-thanks');
    await s.close();
  },
  closing: async (s) => {
    await s.answer();
    await s.greet();
    await s.say('ask-name', 'name');
    await s.say('use-name');
    await s.say('give-answer', 'answer-thanks');
    await s.close();
  },
};

async function scripted() {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const out = path.resolve(process.env.SECOND_RING_RESULTS ?? 'practice-results', `practice-${stamp}`);
  fs.mkdirSync(out, { recursive: true });
  const scenario = options.scenario ?? 'hold';
  const late = options.scenario === undefined;
  console.log(`▶ no display${options.headless ? ' (--headless)' : ''}: one scripted practice call, headless, in ${browser.path} (${how()})`);
  console.log(`  screenshots: ${out}`);
  const { context, base } = await launch({ headless: true, profile: '' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  let startedAt = 0;
  let shots = 0;
  const seen = new Map();
  let watching = true;

  // What the agent sees: each nudge as it appears in the overlay, with a screenshot.
  const poll = async () => {
    const list = await page
      .evaluate(() =>
        [...(document.querySelector('second-ring-coach')?.shadowRoot?.querySelectorAll('.nudge[data-key]') ?? [])].map((el) => ({
          key: el.dataset.key,
          rule: el.dataset.rule,
          firedAt: Number(el.dataset.firedAt),
          text: el.querySelector('.nudge__text')?.textContent ?? '',
        })),
      )
      .catch(() => []);
    for (const nudge of list) {
      if (seen.has(nudge.key)) continue;
      seen.set(nudge.key, nudge);
      shots += 1;
      const file = `nudge-${String(shots).padStart(2, '0')}-${nudge.rule}.png`;
      const at = startedAt ? `+${((nudge.firedAt - startedAt) / 1000).toFixed(1)} s` : '';
      console.log(`  nudge ${at.padStart(8)}  ${nudge.rule.padEnd(20)} ${nudge.text}`);
      await page.screenshot({ path: path.join(out, file) }).catch(() => undefined);
      console.log(`  ${''.padStart(8)}        screenshot: ${path.join(out, file)}`);
    }
  };
  const watcher = (async () => {
    while (watching) {
      await poll();
      await sleep(100);
    }
  })();

  const byId = (id) => page.locator(`[data-testid="${id}"]`);
  const callerLine = (line) => page.locator(`[data-testid="transcript-item"][data-who="caller"][data-line="${line}"]`);
  const steps = {
    answer: async () => {
      if (late) await page.locator('second-ring-coach .nudge[data-rule="answer-window"]').waitFor({ timeout: 20_000 });
      else await page.locator('[data-testid="ring-count"][data-ring="2"]').waitFor({ timeout: 10_000 });
      await byId('answer').click();
      console.log(late ? '  you answer (ring 3: late on purpose)' : '  you answer in ring 2');
    },
    greet: async () => {
      await byId('say-whole-greeting').click();
      await callerLine('reason').last().waitFor({ timeout: 10_000 });
      console.log('  you: the whole greeting → caller: reason');
    },
    say: async (line, reply) => {
      const count = reply ? await callerLine(reply).count() : 0;
      await byId(`say-${line}`).click();
      if (reply) await callerLine(reply).nth(count).waitFor({ timeout: 10_000 });
      console.log(`  you: ${line}${reply ? ` → caller: ${reply}` : ''}`);
    },
    click: async (id, what) => {
      await byId(id).click();
      console.log(`  ${what}`);
    },
    choose: async (id, value) => {
      await byId(id).selectOption(value);
    },
    phase: async (phase, timeout = 5_000) => {
      await page.locator(`[data-testid="phone"][data-phase="${phase}"]`).waitFor({ timeout });
    },
    wait: (ms) => page.waitForTimeout(ms),
    close: async () => {
      await steps.say('recap', 'confirm');
      await steps.say('anything-else', 'nothing-else');
      await steps.say('thank-you', 'goodbye');
      await steps.click('hangup', 'you hang up');
      await steps.phase('ended');
    },
  };

  let visibleAtEnd = 0;
  try {
    await page.goto(`${base}${PRACTICE_PAGE}?scenario=${scenario}`);
    await page.locator('[data-testid="practice"][data-ready="true"]').waitFor({ timeout: 15_000 });
    const title = await page.locator(`[data-testid="scenario-${scenario}"] + span strong`).innerText();
    console.log(`▶ scenario "${title}"${late ? ', answered late on purpose (ring 3)' : ', played well'}`);
    await byId('start').click();
    await steps.phase('ringing', 10_000);
    startedAt = Number(await byId('phone').getAttribute('data-started-at'));
    console.log('  the phone rings');
    await PLAYS[scenario](steps);
    await byId('score-card').waitFor({ timeout: 15_000 });
    await page.waitForTimeout(300);
    await poll();
    // The overlay as the agent sees it when the call is over (it is fixed: the viewport shows it).
    visibleAtEnd = await page
      .locator('second-ring-coach .nudge')
      .evaluateAll((els) => els.filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden').length);
    await page.screenshot({ path: path.join(out, 'overlay-end.png') });
  } catch (error) {
    watching = false;
    await watcher;
    await page.screenshot({ path: path.join(out, 'failure.png'), fullPage: true }).catch(() => undefined);
    await context.close();
    fail(`the scripted call did not go through: ${error.message.split('\n')[0]} (screenshot: ${path.join(out, 'failure.png')})`);
  }
  watching = false;
  await watcher;
  console.log(`  the overlay at the end of the call: ${visibleAtEnd} nudges visible (screenshot: ${path.join(out, 'overlay-end.png')})`);

  const card = byId('score-card');
  await card.scrollIntoViewIfNeeded();
  await card.screenshot({ path: path.join(out, 'score-card.png') });
  await page.screenshot({ path: path.join(out, 'score-card-page.png'), fullPage: true });
  const rules = await page.locator('[data-testid="score-rule"]').evaluateAll((els) =>
    els.map((el) => ({ rule: el.dataset.rule, verdict: el.dataset.verdict, focus: el.dataset.focus === 'true' })),
  );
  console.log(`\n${await byId('score-card').locator('h2').innerText()} — ${await byId('score-outcome').innerText()}`);
  for (const r of rules) console.log(`  ${r.rule.padEnd(20)} ${r.verdict}${r.focus ? ' (this scenario)' : ''}`);
  console.log(`  screenshot: ${path.join(out, 'score-card.png')}`);
  await context.close();
  if (errors.length) fail(`the practice page reported errors: ${errors.join('; ')}`);
  if (late && seen.size === 0) fail('no nudge appeared: the extension did not coach the practice call');
  console.log(`\n✓ ${seen.size} nudges, a score card of ${rules.length} rules; screenshots in ${out}`);
  process.exit(0);
}

if (headless) await scripted();
else await headed();
