#!/usr/bin/env node
// The `proposals` command (Node 22+). Runs the build in dist/cli/ (scripts/build-cli.mjs, made by `npm ci`): a
// bundle whose commands load on demand, so `proposals --help` starts about as fast as Node itself. Without a build,
// or when a source file is newer than it (an edited checkout: `npm run build:cli` brings it up to date), the
// TypeScript sources run through tsx, as slow to start as before but never out of date.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const BUILD = join(ROOT, 'dist', 'cli');
/** What the build is made of: newer than its marker means the build is stale. */
const SOURCES = ['cli', 'functions', 'profiles', 'package-lock.json'];

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** True when some source file changed after the build (a few hundred stats). */
function newerThan(path, built) {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return false;
  }
  if (!stats.isDirectory()) return stats.mtimeMs > built;
  return readdirSync(path).some((name) => newerThan(join(path, name), built));
}

function buildIsCurrent() {
  const built = mtime(join(BUILD, 'BUILT'));
  return built !== undefined && !SOURCES.some((source) => newerThan(join(ROOT, source), built));
}

if (buildIsCurrent()) {
  await import(pathToFileURL(join(BUILD, 'main.mjs')).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
