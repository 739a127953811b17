import { synthesize } from '../../local/synth';

/** Synthesizes (and bundles) once before the end-to-end files start their runtimes. */
export default async function setup(): Promise<void> {
  const result = await synthesize({ stage: 'local' }, (line) => process.stdout.write(`${line}\n`));
  process.stdout.write(
    `Cloud assembly ${result.cached ? 'reused' : 'synthesized'} in ${(result.ms / 1000).toFixed(1)} s\n`,
  );
}
