/**
 * `proposals plan --roster FILE --proposals FILE.jsonl [--mode online|batch] [--profile P] [--json]`: plans a
 * round on given data, without AWS, with the same core as the Lambda (functions/lib/assignment/plan.ts).
 * Online assigns in file order, as uploads would arrive; batch plans the whole round with HiGHS.
 * `proposals plan --live [--apply]` is in live-plan.ts.
 * Exit codes: 0 planned, 1 the files have problems (nothing planned), 2 a file or the profile cannot be read.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { loadProfile } from '../../functions/lib/adapters/profile-file';
import { type PlanMode, type PlanResult, planBatch, planOnline } from '../../functions/lib/assignment';
import { parseProposalLines } from '../../functions/lib/assignment/proposals-file';
import { type Profile, ProfileError } from '../../functions/lib/profile';
import { parseRoster } from '../../functions/lib/roster/parse';
import { highsSolver } from '../highs';
import { jsonText, print, printable, printError } from '../output';

export interface PlanOptions {
  roster?: string;
  proposals?: string;
  live?: boolean;
  mode?: string;
  profile?: string;
  json?: boolean;
}

export interface PlanDeps {
  out?: (text: string) => void;
  err?: (text: string) => void;
}

/** The largest roster or proposals file read (a season is a few MiB). */
const MAX_INPUT_BYTES = 64 * 2 ** 20;

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** The plan as text: one line per proposal, then the metrics. */
export function formatPlan(result: PlanResult): string {
  const width = Math.max(8, ...result.assignments.map((a) => a.proposal.length));
  const lines = result.assignments.map(
    (a) => `${a.proposal.padEnd(width)}  ${a.reviewers.join(', ') || '-'}`,
  );
  const m = result.metrics;
  lines.push(
    '',
    `coverage ${pct(m.coverage)}, short ${result.short.length}${result.short.length ? ` (${result.short.join(', ')})` : ''}`,
    `expert seats ${pct(m.expertShare)}, worst-off proposal ${pct(m.worstOff)}, mean ${pct(m.meanMatch)}`,
    `load spread ${m.spread.toFixed(3)}, conflicts ${m.conflicts}`,
  );
  return `${lines.join('\n')}\n`;
}

export async function planCommand(opts: PlanOptions, deps: PlanDeps = {}): Promise<number> {
  // Cleaned like everything the CLI prints (cli/output.ts): names and titles come from the round's data.
  const out = (text: string) => (deps.out ?? print)(printable(text));
  const err = (text: string) => (deps.err ?? printError)(printable(text));
  const mode = (opts.mode ?? 'online') as PlanMode;
  if (mode !== 'online' && mode !== 'batch') {
    err(`--mode must be online or batch, not "${opts.mode}"\n`);
    return 2;
  }
  if (!opts.roster || !opts.proposals) {
    err('proposals plan needs --roster and --proposals (or --live for the deployed round)\n');
    return 2;
  }
  let profile: Profile;
  try {
    profile = loadProfile(opts.profile);
  } catch (error) {
    err(`${error instanceof ProfileError ? error.localized.en : String(error)}\n`);
    return 2;
  }
  const files: Record<'roster' | 'proposals', string> = { roster: '', proposals: '' };
  const paths = { roster: opts.roster, proposals: opts.proposals };
  for (const which of ['roster', 'proposals'] as const) {
    try {
      const size = (await stat(paths[which])).size;
      if (size > MAX_INPUT_BYTES) {
        err(`The file ${paths[which]} is larger than ${MAX_INPUT_BYTES / 2 ** 20} MiB; nothing planned.\n`);
        return 2;
      }
      files[which] = await readFile(paths[which], 'utf8');
    } catch (error) {
      err(`The file ${paths[which]} cannot be read (${(error as NodeJS.ErrnoException).code ?? error}).\n`);
      return 2;
    }
  }
  const roster = parseRoster(files.roster, basename(paths.roster), profile);
  const proposals = parseProposalLines(files.proposals, profile);
  const problems = [
    ...roster.errors.map(
      (p) => `${opts.roster}: line ${p.line}${p.field ? `, ${p.field}` : ''}: ${p.messageEn}`,
    ),
    ...proposals.problems.map(
      (p) => `${paths.proposals}: line ${p.line}${p.field ? `, ${p.field}` : ''}: ${p.message}`,
    ),
  ];
  if (problems.length > 0) {
    if (opts.json) out(`${jsonText({ planned: false, problems })}\n`);
    else
      err(`${problems.length} problem(s); nothing planned:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    return 1;
  }
  const input = { proposals: proposals.proposals, roster: roster.reviewers, profile };
  const result = mode === 'batch' ? await planBatch(input, await highsSolver()) : planOnline(input);
  if (opts.json) {
    out(
      `${JSON.stringify(
        { assignments: result.assignments, short: result.short, metrics: result.metrics },
        null,
        2,
      )}\n`,
    );
  } else {
    out(formatPlan(result));
  }
  return 0;
}
