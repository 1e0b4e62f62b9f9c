#!/usr/bin/env node
// `npm run package`: the store packages, each from a clean store build in a folder of its own
// (never dist-e2e/ or dist-e2e-firefox/: no test-only key, loopback origins or build flags get in).
//   packages/second-ring-<version>-chrome.zip   Chrome Web Store and Edge Add-ons (one package serves both)
//   packages/second-ring-<version>-firefox.zip  AMO (addons.mozilla.org), from `vite build --mode firefox`
//   packages/second-ring-<version>-source.zip   the source archive AMO asks for when code is bundled:
//                                               the files git tracks plus BUILD-FOR-AMO.md (how to rebuild)
// Before writing, it checks each built manifest: no `key`, no loopback origins, no web-accessible
// scripts, version equal to package.json's; for Firefox also a gecko id and background `scripts`.
// Reproducible: the same sources give the same bytes (entries sorted, one fixed time stamp, fixed
// permissions, deflate at a fixed level).
// Options: --out <dir> (default packages/).
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const outFlag = process.argv.indexOf('--out');
const OUT = path.resolve(outFlag > 0 ? process.argv[outFlag + 1] : path.join(ROOT, 'packages'));
const { version, engines } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** What a store package's manifest must not carry (the store build asks for no host at all). */
export function manifestProblems(manifest, expectedVersion) {
  const problems = [];
  if ('key' in manifest) problems.push('manifest has a "key" (test builds only; the stores reject it)');
  if (manifest.version !== expectedVersion) problems.push(`manifest version ${manifest.version} is not package.json's ${expectedVersion}`);
  const loopback = /^(?:\*|https?|wss?):\/\/(?:127\.0\.0\.1|localhost|\[::1\])(?:[:/]|$)/;
  const origins = [
    ...(manifest.host_permissions ?? []),
    ...(manifest.optional_host_permissions ?? []),
    ...(manifest.content_scripts ?? []).flatMap((s) => s.matches ?? []),
    ...(manifest.externally_connectable?.matches ?? []),
    ...(manifest.web_accessible_resources ?? []).flatMap((r) => r.matches ?? []),
  ];
  for (const origin of origins) if (loopback.test(origin)) problems.push(`manifest names a loopback origin: ${origin}`);
  for (const entry of manifest.web_accessible_resources ?? []) {
    for (const resource of entry.resources ?? []) {
      if (/\.(?:m?js|wasm)$|\*$/.test(resource)) problems.push(`manifest makes a script web-accessible: ${resource}`);
    }
  }
  return problems;
}

/** What AMO needs beyond that: a fixed add-on id, and an event page (`scripts`), not a worker. */
export function firefoxManifestProblems(manifest) {
  const problems = [];
  if (!manifest.browser_specific_settings?.gecko?.id) problems.push('manifest has no browser_specific_settings.gecko.id (AMO needs a fixed id)');
  const background = manifest.background ?? {};
  if (!Array.isArray(background.scripts) || background.scripts.length === 0) problems.push('manifest background has no "scripts" (Firefox runs an event page)');
  if ('service_worker' in background) problems.push('manifest background has a "service_worker" (the Firefox build uses "scripts")');
  return problems;
}

// ─── a reproducible zip (PKZIP, deflate) ──────────────────────────────────────────────────────

/** 1980-01-01 00:00, the earliest time a zip can hold: the same for every build. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

function filesOf(dir) {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath ?? entry.path, entry.name)).split(path.sep).join('/'))
    .sort();
}

export function zipDirectory(dir, files = filesOf(dir)) {
  return zipEntries(files.map((name) => ({ name, data: fs.readFileSync(path.join(dir, name)) })));
}

/** Entries `{ name, data, executable? }` in the order given (callers sort); -rw-r--r-- or -rwxr-xr-x. */
export function zipEntries(entries) {
  const local = [];
  const central = [];
  let offset = 0;
  for (const { name, data, executable = false } of entries) {
    const packed = zlib.deflateRawSync(data, { level: 9 });
    const crc = zlib.crc32(data);
    const nameBytes = Buffer.from(name, 'utf8');
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4); // version needed
    header.writeUInt16LE(0x0800, 6); // names in UTF-8
    header.writeUInt16LE(8, 8); // deflate
    header.writeUInt16LE(DOS_TIME, 10);
    header.writeUInt16LE(DOS_DATE, 12);
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(packed.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    header.writeUInt16LE(0, 28);
    local.push(header, nameBytes, packed);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE((3 << 8) | 20, 4); // made by Unix
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt16LE(DOS_TIME, 12);
    entry.writeUInt16LE(DOS_DATE, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(packed.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE((((executable ? 0o100755 : 0o100644) << 16) >>> 0), 38);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, nameBytes);
    offset += header.length + nameBytes.length + packed.length;
  }
  const centralSize = central.reduce((sum, b) => sum + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, ...central, end]);
}

// ─── the packages ─────────────────────────────────────────────────────────────────────────────

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

/** A clean store build of `mode` into a temporary folder of its own. */
function storeBuild(mode) {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'second-ring-package-')), mode);
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const { status } = spawnSync(npx, ['vite', 'build', '--mode', mode, '--logLevel', 'warn', '--outDir', dir, '--emptyOutDir'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (status !== 0) fail(`the ${mode} store build failed (exit ${status})`);
  return dir;
}

function kB(file) {
  return `${(fs.statSync(file).size / 1024).toFixed(1)} kB`;
}

/** Builds `mode`, checks its manifest, zips it as packages/second-ring-<version>-<label>.zip. */
function packageBuild(mode, label, extraChecks = () => []) {
  const built = storeBuild(mode);
  const manifest = JSON.parse(fs.readFileSync(path.join(built, 'manifest.json'), 'utf8'));
  const problems = [...manifestProblems(manifest, version), ...extraChecks(manifest)];
  if (problems.length) {
    fs.rmSync(path.dirname(built), { recursive: true, force: true });
    fail(`the ${mode} store build cannot ship:\n  ${problems.join('\n  ')}`);
  }
  // Vite's own bookkeeping is not part of the extension.
  const files = filesOf(built).filter((f) => !f.startsWith('.vite/'));
  const file = path.join(OUT, `second-ring-${version}-${label}.zip`);
  fs.writeFileSync(file, zipDirectory(built, files));
  fs.rmSync(path.dirname(built), { recursive: true, force: true });
  return { file, count: files.length };
}

/** How a reviewer rebuilds the Firefox package byte for byte from the source archive. */
function buildInstructions() {
  return `# Rebuilding the Firefox package of Second Ring ${version}

The add-on is TypeScript bundled with Vite; this archive holds every file the project's git
repository tracks, so the reviewed package can be rebuilt from it exactly.

Built on Linux with Node.js ${process.versions.node} (package.json asks for Node
${engines?.node ?? '>=20.19'}) and the npm that comes with it; nothing else is needed but access
to the npm registry.

\`\`\`sh
npm ci                           # the exact dependency versions from package-lock.json
npx vite build --mode firefox    # writes the add-on to dist-firefox/
\`\`\`

\`dist-firefox/\` (leaving out Vite's own \`dist-firefox/.vite/\` folder) is the content of
\`second-ring-${version}-firefox.zip\`. \`npm run package\` does the same build and also writes that
zip (entries sorted, fixed time stamps) to \`packages/\`.
`;
}

/** The source archive AMO asks for: the files git tracks, plus how to rebuild. */
function packageSource() {
  const listed = spawnSync('git', ['ls-files', '-s', '-z'], { cwd: ROOT, encoding: 'utf8' });
  if (listed.status !== 0) fail(`git ls-files failed: ${listed.stderr}`);
  const entries = listed.stdout
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const [meta, name] = line.split('\t');
      return { name, executable: meta.startsWith('100755') };
    })
    // A tracked file deleted in the working tree is not part of these sources.
    .filter(({ name }) => fs.existsSync(path.join(ROOT, name)) && fs.statSync(path.join(ROOT, name)).isFile())
    .map((entry) => ({ ...entry, data: fs.readFileSync(path.join(ROOT, entry.name)) }));
  entries.push({ name: 'BUILD-FOR-AMO.md', data: Buffer.from(buildInstructions(), 'utf8') });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const file = path.join(OUT, `second-ring-${version}-source.zip`);
  fs.writeFileSync(file, zipEntries(entries));
  return { file, count: entries.length };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  fs.mkdirSync(OUT, { recursive: true });
  const shown = (file) => path.relative(process.cwd(), file) || file;
  const chrome = packageBuild('production', 'chrome');
  console.log(`package: ${shown(chrome.file)} (${chrome.count} files, ${kB(chrome.file)}) for the Chrome Web Store and Edge Add-ons`);
  const firefox = packageBuild('firefox', 'firefox', firefoxManifestProblems);
  console.log(`package: ${shown(firefox.file)} (${firefox.count} files, ${kB(firefox.file)}) for AMO`);
  const source = packageSource();
  console.log(`package: ${shown(source.file)} (${source.count} files, ${kB(source.file)}) the source archive for AMO's review`);
}
