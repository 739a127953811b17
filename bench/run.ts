/**
 * `npm run bench`: every benchmark of the project in one table, also written to BENCHMARKS.md with the machine
 * it ran on.
 *
 *   a. bundle size of each Lambda (synthesized index.mjs, raw and gzip)
 *   b. cold start: import + first call in fresh processes, SDK bundled vs SDK from node_modules; each function
 *      against its floor (bench/bundles.ts); the CLI's start-up (bench/cli.ts)
 *   c. validation throughput (bench/validation.ts)
 *   d. assignment latency and season quality (bench/assignment.ts; skipped with BENCH_QUICK=1); calibrated
 *      scores and finalists under quotas on simulated rounds (bench/calibration.ts)
 *   e. a burst on the local runtime (BENCH_BURST_SIZE, default 200)
 *   f. Step Functions transitions per path, walked in the synthesized definition and checked against the
 *      burst, and the estimated cost per 1,000 proposals
 *
 * Environment: BENCH_QUICK=1 (skip the assignment season), BENCH_BURST_SIZE (default 200), BENCH_COLD_REPS
 * (default 7), BENCH_OUT (default BENCHMARKS.md at the root), BENCH_ONLY=startup (only a, b, the floors and the
 * CLI start-up; the file is written only when BENCH_OUT names one).
 */
import { writeFileSync } from 'node:fs';
import { cpus, freemem, totalmem, type } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProfile } from '../functions/lib/adapters/profile-file';
import { synthesize } from '../local/synth';
import { loadAssembly, TemplateResolver } from '../local/template';
import { type AslDefinition, taskFunction, taskStates, walkPath } from './asl';
import { benchAssignment } from './assignment';
import {
  buildFloor,
  bundledFunctions,
  bundleResults,
  coldStartResults,
  type Floor,
  floorResults,
  measureColdStarts,
} from './bundles';
import { type BurstReport, burstResults, runBurst } from './burst';
import { benchCalibration, benchFinalists } from './calibration';
import { benchCliStartup } from './cli';
import { type CostInput, costResults, PRICE_NOTE, pathCost, pathScenarios } from './cost';
import { runSweepBench, SWEEP_NOTE, sweepHolds, sweepResults } from './sweep';
import { type BenchResult, benchValidation } from './validation';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');

interface Section {
  title: string;
  rows: BenchResult[];
  notes?: string[];
}

const progress = (line: string) => process.stderr.write(`${line}\n`);
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function machine(): string[] {
  const cpu = cpus();
  return [
    `CPU: ${cpu[0]?.model ?? 'unknown'}, ${cpu.length} cores`,
    `Memory: ${round(totalmem() / 2 ** 30, 1)} GiB (${round(freemem() / 2 ** 30, 1)} GiB free at start)`,
    `OS: ${type()} ${process.platform}/${process.arch}; Node ${process.version}`,
    `Date: ${new Date().toISOString()}`,
  ];
}

/** Transitions per path from the definition, checked against the Task states the burst entered. */
function transitionSection(definition: AslDefinition, burst: BurstReport, reviewers: number): Section {
  const scenarios = pathScenarios(reviewers);
  const happy = walkPath(definition, scenarios.happy);
  const rejected = walkPath(definition, scenarios.rejected);
  const inReview = walkPath(definition, scenarios.inReview);
  const expected: Record<string, number> = {};
  const add = (tasks: Record<string, number>, times: number) => {
    for (const [state, n] of Object.entries(tasks)) expected[state] = (expected[state] ?? 0) + n * times;
  };
  add(rejected.tasks, burst.paths.rejected);
  add(inReview.tasks, burst.paths.inReview);
  add(happy.tasks, burst.paths.reviewed);
  const states = [...new Set([...Object.keys(expected), ...Object.keys(burst.transitions)])].sort();
  const mismatches = states.filter((s) => (expected[s] ?? 0) !== (burst.transitions[s] ?? 0));
  const detail = states.map((s) => `${s} ${burst.transitions[s] ?? 0}/${expected[s] ?? 0}`).join(', ');
  return {
    title: 'Step Functions transitions per proposal (walked in the synthesized definition)',
    rows: [
      { name: 'transitions.happy', value: happy.transitions, unit: '', note: happy.trail.join(' > ') },
      {
        name: 'transitions.rejected',
        value: rejected.transitions,
        unit: '',
        note: rejected.trail.join(' > '),
      },
      {
        name: 'transitions.crossCheck',
        value: mismatches.length,
        unit: 'mismatch',
        note: `Task states entered in the burst / expected from the walk: ${detail}`,
      },
    ],
    notes: [
      `The burst's paths: ${burst.paths.rejected} rejected, ${burst.paths.inReview} waiting on reviewers, ${burst.paths.reviewed} reviewed.`,
    ],
  };
}

function costInput(
  definition: AslDefinition,
  resolver: TemplateResolver,
  functions: ReturnType<typeof bundledFunctions>,
  burst: BurstReport,
  reviewers: number,
): { input: CostInput; sources: string[] } {
  const sources: string[] = [];
  const meanMs = (logicalId: string) => {
    const calibrated = burst.calibration[logicalId];
    if (calibrated && calibrated.invocations > 0) {
      sources.push(
        `${logicalId}: ${round(calibrated.handlerMs / calibrated.invocations)} ms (${calibrated.invocations} uncontended calls)`,
      );
      return calibrated.handlerMs / calibrated.invocations;
    }
    const stats = burst.lambdas[logicalId];
    if (stats && stats.invocations > 0) {
      sources.push(
        `${logicalId}: ${round(stats.handlerMs / stats.invocations)} ms (burst mean, overlapping calls)`,
      );
      return stats.handlerMs / stats.invocations;
    }
    sources.push(`${logicalId}: not measured, 100 ms assumed`);
    return 100;
  };
  const byArn = new Map<string, CostInput['functions'] extends Map<string, infer V> ? V : never>();
  const info = new Map<string, { logicalId: string; memorySize: number; meanMs: number }>();
  for (const fn of functions)
    info.set(fn.entry, { logicalId: fn.logicalId, memorySize: fn.memorySize, meanMs: 0 });
  for (const { stack, logicalId, resource } of resolver.resourcesOfType('AWS::Lambda::Function')) {
    const fn = functions.find((f) => f.logicalId === logicalId);
    if (!fn) continue;
    const arn = resolver.arn(resource.Type, resolver.name(stack, logicalId));
    byArn.set(arn, { logicalId, memorySize: fn.memorySize, meanMs: 0 });
  }
  // Only the functions the definition calls, plus intake and the review API, need a time.
  for (const { state } of taskStates(definition)) {
    const arn = taskFunction(state);
    const entry = arn ? byArn.get(arn) : undefined;
    if (entry && entry.meanMs === 0) entry.meanMs = meanMs(entry.logicalId);
  }
  const pick = (entry: string) => {
    const found = info.get(entry);
    if (!found) throw new Error(`No ${entry} function in the templates`);
    return { ...found, meanMs: meanMs(found.logicalId) };
  };
  const review = pick('review-api');
  const answered = Math.max(1, burst.reviewsAnswered);
  const requestsPerReview = round(
    (burst.calibration[review.logicalId]?.invocations ?? 3 * answered) / answered,
    2,
  );
  const emailFunctions = new Set(
    functions.filter((f) => f.entry === 'notify' || f.entry === 'send-review-task').map((f) => f.logicalId),
  );
  const mean = burst.items.meanBytes;
  return {
    input: {
      definition,
      functions: byArn,
      reviewersPerProposal: reviewers,
      intake: pick('intake'),
      review: { ...review, requestsPerReview },
      emailFunctions,
      itemBytes: {
        proposal: mean.proposal ?? 2048,
        event: mean.event ?? 200,
        review: mean.review ?? 600,
        reviewer: mean.reviewer ?? 400,
      },
      eventsPerPath: {
        happy: burst.eventsByStatus.REVIEWED ?? 8,
        rejected: burst.eventsByStatus.REJECTED ?? 4,
      },
      rosterSize: burst.reviewers,
    },
    sources,
  };
}

function table(sections: Section[]): string {
  const width = Math.max(...sections.flatMap((s) => s.rows.map((r) => r.name.length)));
  const lines: string[] = [];
  for (const section of sections) {
    lines.push('', `== ${section.title}`);
    for (const r of section.rows) {
      lines.push(
        `${r.name.padEnd(width)}  ${String(r.value).padStart(10)} ${r.unit.padEnd(8)} ${r.note ?? ''}`,
      );
    }
    for (const note of section.notes ?? []) lines.push(`   ${note}`);
  }
  return lines.join('\n');
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function markdown(sections: Section[], host: string[], command: string): string {
  const out = [
    '# Benchmarks',
    '',
    `Written by \`${command}\` (bench/run.ts); every figure below comes from that run. How each is measured is`,
    'described in the comments at the top of bench/*.ts; read BENCHMARKS.md as the record of one run on one machine.',
    '',
    '## Machine',
    '',
    ...host.map((line) => `- ${line}`),
  ];
  for (const section of sections) {
    out.push('', `## ${section.title}`, '', '| name | value | unit | note |', '| --- | ---: | --- | --- |');
    for (const r of section.rows)
      out.push(`| ${cell(r.name)} | ${r.value} | ${cell(r.unit)} | ${cell(r.note ?? '')} |`);
    if (section.notes?.length) out.push('', ...section.notes.map((n) => `- ${n}`));
  }
  return `${out.join('\n')}\n`;
}

/** BENCH_ONLY=startup: print the sections measured so far; write them only where BENCH_OUT says. */
function finish(sections: Section[], host: string[]): void {
  process.stdout.write(`${host.join('\n')}\n${table(sections)}\n`);
  if (process.env.BENCH_OUT) {
    writeFileSync(process.env.BENCH_OUT, markdown(sections, host, 'BENCH_ONLY=startup npm run bench'));
    progress(`[bench] written to ${process.env.BENCH_OUT}`);
  }
}

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY;
  if (only && only !== 'startup') throw new Error(`BENCH_ONLY=${only}: only "startup" is known`);
  const quick = process.env.BENCH_QUICK === '1';
  const burstSize = Number(process.env.BENCH_BURST_SIZE ?? 200);
  const coldReps = Number(process.env.BENCH_COLD_REPS ?? 7);
  const host = machine();
  const sections: Section[] = [];

  progress('[bench] synthesizing (reused when nothing changed) ...');
  const synth = await synthesize({ stage: 'local' }, progress);
  const resolver = new TemplateResolver(loadAssembly(synth.outdir));
  const functions = bundledFunctions(synth.outdir, resolver);
  sections.push({
    title: 'Lambda bundles (synthesized index.mjs)',
    rows: bundleResults(functions),
    notes: [
      'Sizes in KiB of the asset CDK uploads (minified ESM, AWS SDK bundled); source maps not counted.',
    ],
  });

  progress('[bench] floors ...');
  const floors = new Map<string, Floor>();
  for (const fn of functions) floors.set(fn.entry, await buildFloor(fn.entry));
  progress('[bench] cold starts ...');
  const starts = await measureColdStarts(functions, floors, coldReps, progress);
  sections.push({
    title: 'Cold start: import + first call in a fresh Node process',
    rows: coldStartResults(starts, coldReps),
    notes: [
      'Per function: median over fresh `node` processes of import + first call, the synthesized bundle versus the same entry built with @aws-sdk/* external (loaded from node_modules, CDK\u2019s default); the variants are interleaved.',
      'The first call is a realistic event; every AWS endpoint points at a closed 127.0.0.1 port with AWS_MAX_ATTEMPTS=1, so the handler runs up to its first AWS call, which is refused at once (the SDK\u2019s credentials, signing and HTTP code are loaded, no network is waited on). The template environment applies, NODE_OPTIONS=--enable-source-maps included.',
      'Lambda\u2019s own start-up (sandbox, runtime bootstrap, code download) comes on top and is not measured here.',
    ],
  });
  sections.push({
    title: 'Lambdas against their floor (bare handler building the same SDK clients)',
    rows: floorResults(functions, floors, starts),
    notes: [
      'Floor: a bare handler that only builds the SDK clients the function bundles (read from the esbuild metafile of its entry; plus unpdf where it parses PDFs), built with the same esbuild options (ESM, minified, node22, mainFields module,main, source map).',
      'Size: every .mjs of the asset (entry and lazily loaded modules) / the floor with unpdf. Import: median import time of the bundle over fresh processes / the floor\u2019s, with the template environment (NODE_OPTIONS=--enable-source-maps); for Validate the floor without unpdf, since a Markdown or DOCX call never loads it.',
    ],
  });
  progress('[bench] CLI start-up ...');
  sections.push({
    title: 'CLI start-up (fresh processes, medians)',
    rows: benchCliStartup(coldReps),
    notes: [
      'Goal: `proposals --help` and `proposals validate FILE` within 300 ms; `node -e 0` is the floor.',
    ],
  });
  if (only === 'startup') {
    finish(sections, host);
    return;
  }

  progress('[bench] validation ...');
  sections.push({ title: 'Validation', rows: await benchValidation() });

  if (quick) {
    sections.push({
      title: 'Assignment',
      rows: [],
      notes: ['Skipped (BENCH_QUICK=1): benchAssignment() runs its latency and season parts together.'],
    });
  } else {
    progress('[bench] assignment (latency, then the simulated season; BENCH_QUICK=1 skips it) ...');
    sections.push({ title: 'Assignment', rows: await benchAssignment() });
  }

  progress('[bench] calibrated scores and finalists on simulated rounds ...');
  sections.push({
    title: 'Calibrated scores and finalists (simulated rounds, bench/calibration.ts)',
    rows: [...benchCalibration(), ...(await benchFinalists())],
  });

  progress(`[bench] burst of ${burstSize} on the local runtime ...`);
  const burst = await runBurst({ size: burstSize, completeReviews: 5, calibrate: 6, progress });
  sections.push({
    title: `Burst on the local runtime (${burstSize} proposals)`,
    rows: burstResults(burst),
    notes: [
      `Then 5 proposals were taken to REVIEWED through the review API and 6 more uploaded one at a time (calibration); the invariants cover all ${burst.registered}.`,
      'Handler time is measured inside each function\u2019s worker; invocations of one function overlap in its worker (a real Lambda sandbox takes one at a time), so under the burst each one\u2019s time includes waiting for the others and the sum exceeds the wall time. The uncontended overhead row uses the calibration means instead.',
    ],
  });

  const profile = loadProfile('kipp');
  const machineDef = resolver.resourcesOfType('AWS::StepFunctions::StateMachine')[0];
  if (!machineDef) throw new Error('The templates declare no state machine');
  const definition = JSON.parse(
    resolver.resolve(machineDef.stack, machineDef.resource.Properties?.DefinitionString) as string,
  ) as AslDefinition;
  const reviewers = profile.review.reviewersPerProposal;
  sections.push(transitionSection(definition, burst, reviewers));

  const { input, sources } = costInput(definition, resolver, functions, burst, reviewers);
  const uncontendedMs = Object.entries(burst.lambdas).reduce((sum, [id, s]) => {
    const c = burst.calibration[id];
    return c && c.invocations > 0 ? sum + (s.invocations * c.handlerMs) / c.invocations : sum;
  }, 0);
  const happy = pathCost(input, pathScenarios(reviewers).happy);
  const rejected = pathCost(input, pathScenarios(reviewers).rejected);
  const share = burst.paths.rejected / Math.max(1, burst.registered);
  const blended = happy.dollars.total * (1 - share) + rejected.dollars.total * share;
  const mailCheck = Object.entries(burst.lambdas)
    .filter(([id]) => input.emailFunctions.has(id))
    .reduce((sum, [, s]) => sum + s.invocations, 0);
  sections.push({
    title: 'Estimated cost per 1,000 proposals (us-east-1 list prices)',
    rows: [
      ...costResults(happy),
      ...costResults(rejected),
      {
        name: 'cost.blended.total',
        value: round(blended * 1000, 4),
        unit: '$',
        note: `${round(share * 100)} % rejected, as in the burst`,
      },
      {
        name: 'burst.overheadUncontended',
        value: round(burst.wallMs / Math.max(1, uncontendedMs), 2),
        unit: 'x',
        note: `burst wall time / (calls x uncontended mean) = ${round(burst.wallMs / 1000)} s / ${round(uncontendedMs / 1000)} s`,
      },
    ],
    notes: [
      PRICE_NOTE,
      `Emails: one per Notify and SendReviewTask call; in the burst those functions ran ${mailCheck} times and ${burst.reviewEmails + burst.otherEmails} emails were sent.`,
      `Lambda time per call (memory from the template): ${sources.join('; ')}. Intake is billed as one call per proposal (batches of one, the dearest case). Review API: ${input.review.requestsPerReview} requests per review (page, accept, submit).`,
      `DynamoDB, roughly: each history event (measured per proposal in the burst: ${round(input.eventsPerPath.happy)} reviewed, ${round(input.eventsPerPath.rejected)} rejected) is one transaction that updates the proposal (${input.itemBytes.proposal} B) and puts the event (${input.itemBytes.event} B), billed twice as a transaction, per started KB; title and quota claims 1 write each; each review seat a transaction (task ${input.itemBytes.review} B + reviewer ${input.itemBytes.reviewer} B) plus two task updates. Reads: each Lambda call reads the proposal once, strongly consistent (per 4 KB), and the assignment reads the ${input.rosterSize}-reviewer roster eventually consistent. Sizes are JSON lengths of the stored items.`,
      'S3: 1 PUT per upload; validation HEAD + ranged GET; each reviewer opens the file once. SQS: send, receive, delete per upload. Reminders run hourly whatever the volume and are not included.',
    ],
  });

  progress('[bench] reminder sweep at a season\u2019s scale on the local runtime (bench/sweep.ts) ...');
  const sweep = await runSweepBench({ progress });
  sections.push({
    title: `Reminder sweep on the local runtime (${sweep.tasks} open tasks, bench/sweep.ts)`,
    rows: sweepResults(sweep),
    notes: [
      `The synthesized reminders function, run once with every task due its first reminder, then an hour later; every task one reminder: ${sweepHolds(sweep)}. ${SWEEP_NOTE}`,
    ],
  });

  const command = 'npm run bench';
  const text = table(sections);
  process.stdout.write(`${host.join('\n')}\n${text}\n`);
  const outFile = process.env.BENCH_OUT ?? resolve(ROOT, 'BENCHMARKS.md');
  writeFileSync(outFile, markdown(sections, host, command));
  progress(`[bench] written to ${outFile}`);
  const failed = burst.invariants.filter((i) => !i.ok);
  if (failed.length > 0) {
    progress(`[bench] burst invariants failed: ${failed.map((i) => i.name).join(', ')}`);
    process.exitCode = 1;
  }
}

await main();
// Libraries used above (esbuild's service, PDF workers) may hold the event loop open; the run is complete here.
process.exit(process.exitCode ?? 0);
