#!/usr/bin/env node
// Builds the `proposals` CLI into dist/cli/ (git-ignored): cli/main.ts and everything it imports, bundled by esbuild
// as ESM with code splitting, so each command's module (and what only it needs: the AWS SDK, the PDF parser) is a
// chunk loaded when that command runs. Runs on `npm ci`/`npm install` (the `prepare` script) and `npm run build:cli`;
// bin/proposals.mjs runs the build, rebuilds it when a source is newer, and falls back to the TypeScript sources
// (through tsx) when it cannot build.
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const OUT = join(ROOT, 'dist', 'cli');
// Built aside and swapped in, so a `proposals` running meanwhile sees the old build or none, never half of one.
const NEXT = join(ROOT, 'dist', `cli.next-${process.pid}`);
const OLD = join(ROOT, 'dist', `cli.old-${process.pid}`);

// An install without the dev dependencies (no esbuild) keeps running the sources through tsx.
let build;
try {
  ({ build } = await import('esbuild'));
} catch {
  process.stdout.write('esbuild is not installed: the proposals CLI will run from its TypeScript sources\n');
  process.exit(0);
}

const started = performance.now();
rmSync(NEXT, { recursive: true, force: true });
await build({
  entryPoints: { main: join(ROOT, 'cli', 'main.ts') },
  outdir: NEXT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  minify: true,
  // Readable stack traces with `node --enable-source-maps` (maps without the sources, which are in the repository).
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  // CommonJS dependencies inside ESM output still call require().
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'error',
});
// The build's own marker: bin/proposals.mjs uses dist/cli/main.mjs only when this file is there too (a build that
// stopped half way leaves none).
writeFileSync(join(NEXT, 'BUILT'), `${new Date().toISOString()}\n`);
if (existsSync(OUT)) renameSync(OUT, OLD);
renameSync(NEXT, OUT);
rmSync(OLD, { recursive: true, force: true });
process.stdout.write(`proposals CLI built into dist/cli/ in ${Math.round(performance.now() - started)} ms\n`);
