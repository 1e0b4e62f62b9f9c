/**
 * A real SIP server (Kamailio from Debian) on loopback for end-to-end tests.
 *
 * `startSipServer()` picks a free TCP port, renders test/sip-lab/kamailio.cfg into a private
 * temp dir, runs `kamailio -DD -E` in the foreground (own process group) and resolves once the
 * WebSocket port accepts connections. `stop()` sends SIGTERM, then SIGKILL to the whole process
 * group after 3 s. A process 'exit' hook kills anything still running, so a crashed test run does
 * not leave Kamailio behind. /etc/kamailio is never read or written.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SipServer {
  /** TCP port of the WebSocket listener on 127.0.0.1. */
  port: number;
  /** `ws://127.0.0.1:<port>` — what the softphones connect to. */
  wsUrl: string;
  /** SIP domain of the users (`sip:agent@<domain>`). */
  domain: string;
  /** Kamailio's stderr log (kept after stop() only with keepLogs / SIP_LAB_KEEP_LOGS=1). */
  logFile: string;
  /** Kamailio's main process id. */
  pid: number;
  /** Last lines of the log (for failure messages). */
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

export interface StartSipServerOptions {
  /** Kamailio log level: 0 error … 2 info (default) … 3 debug. Env SIP_LAB_DEBUG overrides. */
  debugLevel?: number;
  /** SIP domain (extra alias for the server). Default '127.0.0.1'. */
  domain?: string;
  /** Keep the temp dir (cfg + log) after stop(). Default: env SIP_LAB_KEEP_LOGS === '1'. */
  keepLogs?: boolean;
  /** How long to wait for the port. Default 15 s. */
  startTimeoutMs?: number;
  /** Kamailio binary. Default env KAMAILIO_PATH or `kamailio` on PATH (/usr/sbin). */
  kamailioPath?: string;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const KAMAILIO_TEMPLATE = path.resolve(HERE, '../../sip-lab/kamailio.cfg');
const INSTALL_HINT = 'apt-get install -y kamailio kamailio-websocket-modules';

const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) killGroup(child, 'SIGKILL');
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal); // the whole group: main + forked children
  } catch {
    try { child.kill(signal); } catch { /* already gone */ }
  }
}

/**
 * If this Node process dies without running its 'exit' hook (SIGKILL, SIGTERM from a runner),
 * a tiny detached shell notices within a second and kills the Kamailio process group. It exits
 * on its own as soon as Kamailio is gone.
 */
function startWatchdog(child: ChildProcess): void {
  if (child.pid === undefined) return;
  const script =
    'while kill -0 "$1" 2>/dev/null; do kill -0 "$2" 2>/dev/null || exit 0; sleep 1; done; ' +
    'kill -TERM -"$2" 2>/dev/null; sleep 3; kill -KILL -"$2" 2>/dev/null; exit 0';
  const dog = spawn('sh', ['-c', script, 'sip-lab-watchdog', String(process.pid), String(child.pid)], {
    detached: true,
    stdio: 'ignore',
  });
  dog.unref();
}

function findKamailio(explicit?: string): string {
  const candidates = [explicit, process.env.KAMAILIO_PATH, '/usr/sbin/kamailio', '/usr/local/sbin/kamailio'].filter(
    (c): c is string => !!c,
  );
  for (const c of candidates) if (fs.existsSync(c)) return c;
  const which = spawnSync('sh', ['-c', 'command -v kamailio'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  if (which.status === 0 && found) return found;
  throw new Error(`kamailio is not installed (needed by the SIP lab). Install it with: ${INSTALL_HINT}`);
}

function findModulesDir(bin: string): string {
  const candidates = [
    process.env.KAMAILIO_MPATH,
    '/usr/lib/x86_64-linux-gnu/kamailio/modules',
    '/usr/lib/aarch64-linux-gnu/kamailio/modules',
    '/usr/lib64/kamailio/modules',
    '/usr/lib/kamailio/modules',
    '/usr/local/lib64/kamailio/modules',
    '/usr/local/lib/kamailio/modules',
  ].filter((c): c is string => !!c);
  // Ask the binary for its compiled-in default first.
  const info = spawnSync(bin, ['-I'], { encoding: 'utf8' });
  const m = /Default paths to modules:\s*(\S+)/.exec(`${info.stdout}${info.stderr}`);
  if (m?.[1]) candidates.unshift(m[1]);
  for (const dir of candidates) {
    if (fs.existsSync(path.join(dir, 'tm.so'))) {
      if (!fs.existsSync(path.join(dir, 'websocket.so'))) {
        throw new Error(`kamailio's websocket module is missing in ${dir}. Install it with: ${INSTALL_HINT}`);
      }
      return dir;
    }
  }
  throw new Error(`kamailio modules not found (tried ${candidates.join(', ')}). Install with: ${INSTALL_HINT}`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Ready means a SIP WebSocket handshake succeeds (101 with the "sip" subprotocol), not merely
 * that the port accepts: right after start Kamailio can accept TCP before its workers answer
 * the upgrade, and a phone registering then fails with "Connection Error".
 */
function tryConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => { sock.destroy(); resolve(ok); };
    sock.once('connect', () => {
      sock.write(
        'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: sip\r\n\r\n',
      );
    });
    sock.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n\r\n')) done(/^HTTP\/1\.1 101/.test(reply) && /sec-websocket-protocol:\s*sip/i.test(reply));
    });
    sock.once('error', () => done(false));
    sock.setTimeout(500, () => done(false));
  });
}

function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export function renderKamailioConfig(opts: { port: number; domain: string; debugLevel: number; modulesDir: string }): string {
  const template = fs.readFileSync(KAMAILIO_TEMPLATE, 'utf8');
  return template
    .replaceAll('@@PORT@@', String(opts.port))
    .replaceAll('@@DOMAIN@@', opts.domain)
    .replaceAll('@@DEBUG@@', String(opts.debugLevel))
    .replaceAll('@@MPATH@@', opts.modulesDir);
}

export async function startSipServer(options: StartSipServerOptions = {}): Promise<SipServer> {
  const bin = findKamailio(options.kamailioPath);
  const modulesDir = findModulesDir(bin);
  const domain = options.domain ?? '127.0.0.1';
  const debugLevel = process.env.SIP_LAB_DEBUG ? Number(process.env.SIP_LAB_DEBUG) : (options.debugLevel ?? 2);
  const keepLogs = options.keepLogs ?? process.env.SIP_LAB_KEEP_LOGS === '1';
  const timeout = options.startTimeoutMs ?? 15_000;

  // A port can be taken between freePort() and kamailio's bind: retry a couple of times.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sip-lab-kamailio-'));
    const runDir = path.join(dir, 'run');
    fs.mkdirSync(runDir);
    const cfgFile = path.join(dir, 'kamailio.cfg');
    const logFile = path.join(dir, 'kamailio.log');
    const pidFile = path.join(dir, 'kamailio.pid');
    fs.writeFileSync(cfgFile, renderKamailioConfig({ port, domain, debugLevel, modulesDir }));

    const logFd = fs.openSync(logFile, 'a');
    const args = ['-f', cfgFile, '-DD', '-E', '-m', '64', '-M', '8', '-Y', runDir, '-P', pidFile, '-w', dir];
    const child = spawn(bin, args, { stdio: ['ignore', logFd, logFd], detached: true, cwd: dir });
    fs.closeSync(logFd);
    installExitHook();
    running.add(child);
    startWatchdog(child);

    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const exitPromise = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        exited = { code, signal };
        running.delete(child);
        resolve();
      });
    });
    child.once('error', (err) => { lastError = err; });

    const deadline = Date.now() + timeout;
    let up = false;
    while (Date.now() < deadline && !exited) {
      if (await tryConnect(port)) { up = true; break; }
      await new Promise((r) => setTimeout(r, 50));
    }

    const stop = async (): Promise<void> => {
      if (!exited) {
        killGroup(child, 'SIGTERM');
        const killer = setTimeout(() => killGroup(child, 'SIGKILL'), 3_000);
        await exitPromise;
        clearTimeout(killer);
        // The main process reaps its children on SIGTERM; make sure of it anyway.
        killGroup(child, 'SIGKILL');
      }
      running.delete(child);
      if (!keepLogs) fs.rmSync(dir, { recursive: true, force: true });
    };

    if (up && !exited && child.pid !== undefined) {
      return {
        port,
        wsUrl: `ws://127.0.0.1:${port}`,
        domain,
        logFile,
        pid: child.pid,
        logTail: (lines?: number) => tail(logFile, lines),
        stop,
      };
    }

    const log = tail(logFile);
    const reason = exited
      ? `kamailio exited (code ${exited.code}, signal ${exited.signal})`
      : `kamailio did not open port ${port} within ${timeout} ms`;
    await stop().catch(() => {});
    lastError = new Error(`${reason}. Command: ${bin} ${args.join(' ')}\n--- log tail ---\n${log}`);
    if (!/bind|Address already in use/i.test(log)) break;
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
