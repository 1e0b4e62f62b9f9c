// The replay CLI (`npx second-ring replay …`): a Vite library build of src/cli/main.ts for
// Node, into dist-cli/ (build output, not committed). bin/second-ring.js loads it, and builds
// it first when it is missing. Plain ES module, not minified; node: builtins stay imports,
// everything else (valibot, the core, the locale JSON) is bundled in.
import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';

export default defineConfig({
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist-cli',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: false,
    copyPublicDir: false,
    reportCompressedSize: false,
    lib: { entry: 'src/cli/main.ts', formats: ['es'], fileName: 'main' },
    rolldownOptions: {
      external: [/^node:/, ...builtinModules],
      checks: { bundlerTimings: false },
    },
  },
});
