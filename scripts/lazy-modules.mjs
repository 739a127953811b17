#!/usr/bin/env node
// Bundles the packages a Lambda imports lazily (`await import('unpdf')`, kept out of its entry bundle as external
// modules) into the asset's own node_modules, each as one minified ESM file with its source map: the function
// resolves them beside index.mjs, in Lambda and in the local runtime alike, and loads them only when a call needs
// them. Run by infra/constructs/lambda.ts after esbuild bundled the entry.
//
//   node scripts/lazy-modules.mjs <asset output dir> <package>...
//
// A package the entry bundle never imports is skipped, so every function can name the same list.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const [outputDir, ...packages] = process.argv.slice(2);
if (!outputDir || packages.length === 0) {
  process.stderr.write('usage: node scripts/lazy-modules.mjs <asset output dir> <package>...\n');
  process.exit(2);
}

const entry = readFileSync(join(outputDir, 'index.mjs'), 'utf8');
for (const name of packages) {
  if (!/^(@[a-z0-9-]+\/)?[a-z0-9][a-z0-9._-]*$/.test(name)) throw new Error(`Not a package name: ${name}`);
  const escaped = name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  if (!new RegExp(`import\\(\\s*["']${escaped}["']\\s*\\)`).test(entry)) continue;
  const dir = join(outputDir, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  // The same options as the entry's bundling (ESM, node22, minified, source map without sources).
  await build({
    stdin: { contents: `export * from '${name}';`, resolveDir: ROOT, sourcefile: `${name}-lazy.mjs` },
    outfile: join(dir, 'index.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'error',
  });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name, private: true, type: 'module', exports: './index.mjs' }, null, 2)}\n`,
  );
}
