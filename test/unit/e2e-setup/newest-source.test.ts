import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newestSource } from '../../e2e/global-setup';

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((root) => fs.rmSync(root, { recursive: true, force: true })));

function tree(files: Record<string, number>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'second-ring-sources-'));
  roots.push(root);
  for (const [file, seconds] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), '');
    fs.utimesSync(path.join(root, file), seconds, seconds);
  }
  return root;
}

describe('the browser tests see a stale test build', () => {
  it('finds the newest file the extension is built from, deep in src/ or at the top', () => {
    expect(newestSource(tree({ 'src/a.ts': 100, 'src/deep/b.tsx': 300, '_locales/lv/messages.json': 200, 'manifest.json': 50 }))).toEqual({
      file: path.join('src', 'deep', 'b.tsx'),
      mtimeMs: 300_000,
    });
    expect(newestSource(tree({ 'src/a.ts': 100, 'vite.config.ts': 400 }))?.file).toBe('vite.config.ts');
  });

  it('ignores what the extension is not built from (tests, docs, builds)', () => {
    expect(newestSource(tree({ 'src/a.ts': 100, 'README.md': 900, 'test/unit/x.test.ts': 900, 'dist-e2e/manifest.json': 900 }))?.file).toBe(
      path.join('src', 'a.ts'),
    );
  });
});
