/**
 * Synthesizes the CDK app (the same definition and bundles `cdk deploy` ships) into .local/cdk.out, reusing the
 * previous assembly when no source it depends on has changed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const ASSEMBLY_DIR = join(ROOT, '.local', 'cdk.out');
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
  const hash = sourceHash(fullContext);
  const stamp = join(ASSEMBLY_DIR, '.source-hash');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) {
    return { outdir: ASSEMBLY_DIR, cached: true, ms: Date.now() - started };
  }
  log('Synthesizing the CDK app and bundling the Lambdas (first run or sources changed) ...');
  rmSync(ASSEMBLY_DIR, { recursive: true, force: true });
  const { createApp } = await import('../infra/create-app');
  const cdkJson = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  const { app } = createApp({ outdir: ASSEMBLY_DIR, context: { ...cdkJson.context, ...fullContext } });
  app.synth();
  writeFileSync(stamp, hash);
  return { outdir: ASSEMBLY_DIR, cached: false, ms: Date.now() - started };
}
