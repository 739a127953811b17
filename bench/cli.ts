/**
 * Start-up of the `proposals` CLI: wall time of fresh processes for `proposals --help` and `proposals validate FILE`
 * (a Markdown example), through bin/proposals.mjs (the build in dist/cli/, scripts/build-cli.mjs) and through the
 * TypeScript sources with tsx (what every call cost before the build, and what runs when the build is missing or
 * older than a source), against `node -e 0`. The variants are interleaved, medians kept.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './validation';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const EXAMPLE = join(ROOT, 'examples', 'proposals', '01-dinkes-surabaya-umum.md');

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const round = (value: number, digits = 0) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Wall time of one process; throws when it fails (validate exits 0 for the valid example). */
function timed(args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - started;
  if (result.status !== 0) {
    throw new Error(`node ${args.join(' ')} exited ${result.status}: ${String(result.stderr).slice(0, 300)}`);
  }
  return ms;
}

export function benchCliStartup(repetitions = 7): BenchResult[] {
  // Built now, so bin/proposals.mjs finds it current (it runs the sources when one is newer than the build).
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-cli.mjs')], {
    cwd: ROOT,
    stdio: 'ignore',
  });
  if (built.status !== 0 || !existsSync(join(ROOT, 'dist', 'cli', 'main.mjs'))) {
    throw new Error('The CLI could not be built into dist/cli (npm run build:cli)');
  }
  const bin = join(ROOT, 'bin', 'proposals.mjs');
  const variants: Record<string, string[]> = {
    node: ['-e', '0'],
    help: [bin, '--help'],
    validate: [bin, 'validate', EXAMPLE],
    helpTsx: ['--import', 'tsx', join(ROOT, 'cli', 'main.ts'), '--help'],
    validateTsx: ['--import', 'tsx', join(ROOT, 'cli', 'main.ts'), 'validate', EXAMPLE],
  };
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let rep = 0; rep < repetitions; rep++) {
    const order = Object.keys(variants);
    if (rep % 2 === 1) order.reverse();
    for (const name of order) samples[name]?.push(timed(variants[name] as string[]));
  }
  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])) as Record<
    string,
    number
  >;
  const node = m.node as number;
  const row = (name: string, key: string, note: string): BenchResult => ({
    name,
    value: round(m[key] as number),
    unit: 'ms',
    note: `${note}; +${round((m[key] as number) - node)} ms over node -e 0`,
  });
  return [
    { name: 'cli.nodeBaseline', value: round(node), unit: 'ms', note: 'node -e 0' },
    row('cli.help', 'help', 'node bin/proposals.mjs --help (built CLI)'),
    row('cli.validate', 'validate', 'node bin/proposals.mjs validate <Markdown example> (built CLI)'),
    row('cli.help.tsx', 'helpTsx', 'the same through the TypeScript sources with tsx (before the build)'),
    row(
      'cli.validate.tsx',
      'validateTsx',
      'the same through the TypeScript sources with tsx (before the build)',
    ),
  ];
}
