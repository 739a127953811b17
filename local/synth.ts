/**
 * Synthesizes the CDK app (the same definition and bundles `cdk deploy` ships) into .local/cdk.out, reusing the
 * previous assembly when no source it depends on has changed.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROFILE_METADATA_KEY } from '../functions/lib/profile';
import { loadAssembly } from './template';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const ASSEMBLIES = join(ROOT, '.local', 'assemblies');
const SOURCES = ['infra', 'functions', 'profiles', 'package-lock.json', 'cdk.json', 'tsconfig.json'];

function sourceHash(context: Record<string, unknown>): string {
  const hash = createHash('sha256').update(JSON.stringify(context));
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) visit(join(path, entry));
    } else {
      hash.update(relative(ROOT, path)).update(readFileSync(path));
    }
  };
  for (const source of SOURCES) visit(join(ROOT, source));
  // A profile given as a file (`-c profile=path.json`) is bundled too: its content is a source like the others.
  const profile = context.profile;
  if (typeof profile === 'string' && !/^[a-z0-9-]+$/.test(profile) && existsSync(profile)) {
    hash.update(`profile:${profile}`).update(readFileSync(profile));
  }
  return hash.digest('hex');
}

export interface SynthResult {
  outdir: string;
  cached: boolean;
  ms: number;
}

export async function synthesize(
  context: Record<string, string> = {},
  log: (line: string) => void = () => {},
): Promise<SynthResult> {
  const started = Date.now();
  const fullContext = { 'aws:cdk:enable-asset-metadata': true, ...context };
  const hash = sourceHash(fullContext).slice(0, 16);
  // One folder per source hash, written aside and renamed into place: a runtime already running from an older
  // assembly keeps its bundles, and two processes synthesizing at once do not trip over each other.
  const outdir = join(ASSEMBLIES, hash);
  if (existsSync(join(outdir, 'manifest.json'))) return { outdir, cached: true, ms: Date.now() - started };
  log('Synthesizing the CDK app and bundling the Lambdas (first run or sources changed) ...');
  mkdirSync(ASSEMBLIES, { recursive: true });
  const work = mkdtempSync(join(ASSEMBLIES, `.${hash}-`));
  const { createApp } = await import('../infra/create-app');
  const cdkJson = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  const { app } = createApp({ outdir: work, context: { ...cdkJson.context, ...fullContext } });
  app.synth();
  try {
    renameSync(work, outdir);
  } catch {
    // Another process put the same assembly in place first.
    rmSync(work, { recursive: true, force: true });
  }
  prune(outdir);
  return { outdir, cached: false, ms: Date.now() - started };
}

/**
 * The competition profile the assembly's functions run with, as a file for the CLI (PROPOSALS_PROFILE in the
 * runtime's environment): taken from the Logic stack's template metadata, written next to the templates once.
 */
export function deployedProfileFile(outdir: string): string | undefined {
  const file = join(outdir, 'profile.json');
  if (existsSync(file)) return file;
  const profile = loadAssembly(outdir)
    .map((stack) => stack.metadata?.[PROFILE_METADATA_KEY])
    .find((value) => value !== undefined);
  if (profile === undefined) return undefined;
  const work = `${file}.${process.pid}`;
  writeFileSync(work, JSON.stringify(profile, null, 2));
  renameSync(work, file);
  return file;
}

/** Keeps the newest few assemblies. */
function prune(keep: string): void {
  const entries = readdirSync(ASSEMBLIES)
    .map((name) => join(ASSEMBLIES, name))
    .filter((path) => path !== keep && !path.split('/').pop()?.startsWith('.'))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  for (const old of entries.slice(3)) rmSync(old, { recursive: true, force: true });
}
