/**
 * `npm run package` for real: clean store builds (Chrome and Firefox) zipped, plus AMO's source
 * archive. Each package is opened with a zip reader of its own (not the writer's code) and its
 * manifest checked: no `key`, no loopback origins, no web-accessible scripts, version equal to
 * package.json's (Firefox: a gecko id and background scripts); every file the manifest names is
 * inside. The source archive holds what a rebuild needs and no build output. A second run gives
 * the same bytes for all three (reproducible).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.join(import.meta.dirname, '../..');
const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
const CHROME = `second-ring-${version}-chrome.zip`;
const FIREFOX = `second-ring-${version}-firefox.zip`;
const SOURCE = `second-ring-${version}-source.zip`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'second-ring-package-test-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function runPackage(out: string) {
  return spawnSync(process.execPath, ['scripts/package.mjs', '--out', out], { cwd: ROOT, encoding: 'utf8' });
}

/** The entries of a zip, read from its central directory. */
function unzip(buffer: Buffer): Map<string, Buffer> {
  const end = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('no end of central directory');
  const count = buffer.readUInt16LE(end + 10);
  let at = buffer.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (buffer.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry ${i}`);
    const method = buffer.readUInt16LE(at + 10);
    const crc = buffer.readUInt32LE(at + 16);
    const packedSize = buffer.readUInt32LE(at + 20);
    const nameLength = buffer.readUInt16LE(at + 28);
    const extraLength = buffer.readUInt16LE(at + 30);
    const commentLength = buffer.readUInt16LE(at + 32);
    const offset = buffer.readUInt32LE(at + 42);
    const name = buffer.toString('utf8', at + 46, at + 46 + nameLength);
    const dataStart = offset + 30 + buffer.readUInt16LE(offset + 26) + buffer.readUInt16LE(offset + 28);
    const packed = buffer.subarray(dataStart, dataStart + packedSize);
    const data = method === 8 ? zlib.inflateRawSync(packed) : packed;
    if (zlib.crc32(data) !== crc) throw new Error(`${name}: CRC mismatch`);
    files.set(name, data);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

let first: ReturnType<typeof runPackage>;
let second: ReturnType<typeof runPackage>;

beforeAll(() => {
  first = runPackage(path.join(work, 'a'));
  second = runPackage(path.join(work, 'b'));
}, 180_000);

type StoreManifest = Record<string, unknown> & {
  version: string;
  host_permissions?: string[];
  optional_host_permissions?: string[];
  content_scripts?: { matches?: string[] }[];
  web_accessible_resources?: { resources: string[]; matches?: string[] }[];
  background: { service_worker?: string; scripts?: string[] };
  action: { default_popup: string };
  options_ui: { page: string };
  icons: Record<string, string>;
  storage: { managed_schema: string };
  browser_specific_settings?: { gecko?: { id?: string } };
};

/** The checks every store package shares; returns the manifest for browser-specific ones. */
function checkStorePackage(files: Map<string, Buffer>, background: (m: StoreManifest) => string[]): StoreManifest {
  const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as StoreManifest;
  expect(manifest).not.toHaveProperty('key');
  expect(manifest.version).toBe(version);
  const origins = [
    ...(manifest.host_permissions ?? []),
    ...(manifest.optional_host_permissions ?? []),
    ...(manifest.content_scripts ?? []).flatMap((s) => s.matches ?? []),
    ...(manifest.web_accessible_resources ?? []).flatMap((r) => r.matches ?? []),
  ];
  expect(origins.filter((o) => /127\.0\.0\.1|localhost|\[::1\]/.test(o))).toEqual([]);
  expect(manifest.host_permissions ?? []).toEqual([]);
  const accessible = (manifest.web_accessible_resources ?? []).flatMap((r) => r.resources);
  expect(accessible.filter((r) => /\.m?js$|\*$/.test(r))).toEqual([]);
  const named = [...background(manifest), manifest.action.default_popup, manifest.options_ui.page, manifest.storage.managed_schema, ...Object.values(manifest.icons)];
  for (const file of named) expect(files.has(file), file).toBe(true);
  expect([...files.keys()].filter((f) => f.startsWith('.vite/') || f.endsWith('.map'))).toEqual([]);
  return manifest;
}

describe('npm run package', () => {
  it('writes the Chrome Web Store / Edge Add-ons package, the AMO package and its source archive, named with the version', () => {
    expect(first.stderr, first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(fs.readdirSync(path.join(work, 'a')).sort()).toEqual([CHROME, FIREFOX, SOURCE]);
  });

  it('ships a Chrome manifest with no key, no loopback origins, no web-accessible scripts, and the package version', () => {
    const files = unzip(fs.readFileSync(path.join(work, 'a', CHROME)));
    const manifest = checkStorePackage(files, (m) => [m.background.service_worker!]);
    expect(manifest.background.service_worker).toBeTruthy();
  });

  it('ships a Firefox manifest with the same guarantees, a gecko id and background scripts', () => {
    const files = unzip(fs.readFileSync(path.join(work, 'a', FIREFOX)));
    const manifest = checkStorePackage(files, (m) => m.background.scripts ?? []);
    expect(manifest.browser_specific_settings?.gecko?.id).toMatch(/^[^@\s]+@[^@\s]+$/);
    expect(manifest.background.scripts?.length).toBeGreaterThan(0);
    expect(manifest.background).not.toHaveProperty('service_worker');
  });

  it('ships the source archive AMO asks for: what a rebuild needs, how to rebuild, no build output', () => {
    const files = unzip(fs.readFileSync(path.join(work, 'a', SOURCE)));
    const names = [...files.keys()];
    for (const needed of ['package.json', 'package-lock.json', 'vite.config.ts', 'manifest.json', 'src/content/content-script.ts', 'BUILD-FOR-AMO.md']) {
      expect(files.has(needed), needed).toBe(true);
    }
    expect(names.some((n) => n.startsWith('_locales/'))).toBe(true);
    expect(names.filter((n) => /^(?:node_modules|dist[^/]*|packages|\.git)\//.test(n))).toEqual([]);
    expect(names).toEqual([...names].sort());
    expect(files.get('package.json')!.equals(fs.readFileSync(path.join(ROOT, 'package.json')))).toBe(true);
    const howTo = files.get('BUILD-FOR-AMO.md')!.toString('utf8');
    expect(howTo).toContain(`Node.js ${process.versions.node}`);
    expect(howTo).toContain('npm ci');
    expect(howTo).toContain('npx vite build --mode firefox');
  });

  it('is reproducible: a second run gives the same bytes', () => {
    expect(second.status).toBe(0);
    for (const name of [CHROME, FIREFOX, SOURCE]) {
      expect(fs.readFileSync(path.join(work, 'b', name)).equals(fs.readFileSync(path.join(work, 'a', name))), name).toBe(true);
    }
  });
});
