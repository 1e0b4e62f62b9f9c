#!/usr/bin/env node
// `npm run package`: the store packages, from a clean store build in a folder of its own (never
// dist-e2e/: no test-only key, loopback origins or build flags can get in).
//   packages/second-ring-<version>-chrome.zip   Chrome Web Store and Edge Add-ons (one package serves both)
// A Firefox package (AMO, with the source archive AMO asks for) joins once the Firefox build exists.
// Before writing, it checks the built manifest: no `key`, no loopback origins, no web-accessible
// scripts, version equal to package.json's. Reproducible: the same build gives the same bytes
// (entries sorted, one fixed time stamp, fixed permissions, deflate at a fixed level).
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
const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

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
  const local = [];
  const central = [];
  let offset = 0;
  for (const name of files) {
    const data = fs.readFileSync(path.join(dir, name));
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
    entry.writeUInt32LE(((0o100644 << 16) >>> 0), 38); // -rw-r--r--
    entry.writeUInt32LE(offset, 42);
    central.push(entry, nameBytes);
    offset += header.length + nameBytes.length + packed.length;
  }
  const centralSize = central.reduce((sum, b) => sum + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, ...central, end]);
}

// ─── the packages ─────────────────────────────────────────────────────────────────────────────

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

function storeBuild() {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'second-ring-package-')), 'chrome');
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const { status } = spawnSync(npx, ['vite', 'build', '--mode', 'production', '--logLevel', 'warn', '--outDir', dir, '--emptyOutDir'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (status !== 0) fail(`the store build failed (exit ${status})`);
  return dir;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const built = storeBuild();
  const manifest = JSON.parse(fs.readFileSync(path.join(built, 'manifest.json'), 'utf8'));
  const problems = manifestProblems(manifest, version);
  if (problems.length) {
    fs.rmSync(path.dirname(built), { recursive: true, force: true });
    fail(`the store build cannot ship:\n  ${problems.join('\n  ')}`);
  }
  // Vite's own bookkeeping is not part of the extension.
  const files = filesOf(built).filter((f) => !f.startsWith('.vite/'));
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `second-ring-${version}-chrome.zip`);
  fs.writeFileSync(file, zipDirectory(built, files));
  fs.rmSync(path.dirname(built), { recursive: true, force: true });
  console.log(`package: ${path.relative(process.cwd(), file) || file} (${files.length} files, ${(fs.statSync(file).size / 1024).toFixed(1)} kB) for the Chrome Web Store and Edge Add-ons`);
  console.log('package: no Firefox build yet: the AMO package and its source archive come with it');
}
