/**
 * `proposals plan --roster FILE --proposals FILE.jsonl [--mode online|batch] [--profile P] [--json]`: plans a
 * round on given data, without AWS, with the same core as the Lambda (functions/lib/assignment/plan.ts).
 * Online assigns in file order, as uploads would arrive; batch plans the whole round with HiGHS.
 * Exit codes: 0 planned, 1 the files have problems (nothing planned), 2 a file or the profile cannot be read.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import loadHighs from 'highs';
import { loadProfile } from '../../functions/lib/adapters/profile-file';
import {
  type LpSolver,
  type PlanMode,
  type PlanResult,
  planBatch,
  planOnline,
} from '../../functions/lib/assignment';
import { parseProposalLines } from '../../functions/lib/assignment/proposals-file';
import { type Profile, ProfileError } from '../../functions/lib/profile';
import { parseRoster } from '../../functions/lib/roster/parse';

export interface PlanOptions {
  roster: string;
  proposals: string;
  mode?: string;
  profile?: string;
  json?: boolean;
}

export interface PlanDeps {
  out?: (text: string) => void;
  err?: (text: string) => void;
}

/** HiGHS as the plan's LP solver (loaded once). */
export async function highsSolver(): Promise<LpSolver> {
  const highs = await loadHighs();
  return (lp) => {
    const solution = highs.solve(lp, { output_flag: false });
    const values: Record<string, number> = {};
    for (const [name, column] of Object.entries(solution.Columns)) {
      values[name] = (column as { Primal: number }).Primal;
    }
    return { status: solution.Status, values };
  };
}

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
  const out = deps.out ?? ((text: string) => process.stdout.write(text));
  const err = deps.err ?? ((text: string) => process.stderr.write(text));
  const mode = (opts.mode ?? 'online') as PlanMode;
  if (mode !== 'online' && mode !== 'batch') {
    err(`--mode must be online or batch, not "${opts.mode}"\n`);
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
  for (const which of ['roster', 'proposals'] as const) {
    try {
      files[which] = await readFile(opts[which], 'utf8');
    } catch (error) {
      err(`The file ${opts[which]} cannot be read (${(error as NodeJS.ErrnoException).code ?? error}).\n`);
      return 2;
    }
  }
  const roster = parseRoster(files.roster, basename(opts.roster), profile);
  const proposals = parseProposalLines(files.proposals, profile);
  const problems = [
    ...roster.errors.map(
      (p) => `${opts.roster}: line ${p.line}${p.field ? `, ${p.field}` : ''}: ${p.messageEn}`,
    ),
    ...proposals.problems.map(
      (p) => `${opts.proposals}: line ${p.line}${p.field ? `, ${p.field}` : ''}: ${p.message}`,
    ),
  ];
  if (problems.length > 0) {
    if (opts.json) out(`${JSON.stringify({ planned: false, problems }, null, 2)}\n`);
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
