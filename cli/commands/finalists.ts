/**
 * `proposals finalists [--top N] [--format table|csv|md|json] [--record] [--profile P]`: selects the finalists
 * of the reviewed proposals, maximizing their calibrated scores under the profile's quotas (an integer program
 * solved with HiGHS), and prints what each quota costs in score. With --record, each finalist's history gets a
 * line naming its place (the selection is kept with the proposals).
 */
import { loadProfile } from '../../functions/lib/adapters/profile-file';
import { ProposalStore } from '../../functions/lib/adapters/proposals';
import type { Proposal } from '../../functions/lib/model';
import type { Profile } from '../../functions/lib/profile';
import { type Calibration, calibrateRound, type RoundTask } from '../../functions/lib/review/calibration';
import {
  type FinalistCandidate,
  type FinalistSelection,
  type MipSolver,
  selectFinalists,
} from '../../functions/lib/review/finalists';
import { awsClients, CliError, deployment } from '../context';
import { highsSolver } from '../highs';
import { csvText, jsonText, markdownCell, print } from '../output';
import { deployedProfile } from '../profile';
import { table as renderTable } from '../table';

export interface FinalistsOptions {
  top?: string;
  format?: string;
  record?: boolean;
  profile?: string;
}

/** What the command needs of the round. */
export interface RoundSource {
  reviewed(): Promise<Proposal[]>;
  tasks(proposalId: string): Promise<RoundTask[]>;
  note(proposalId: string, note: string): Promise<void>;
}

/** Every task of the proposals, a few queries at a time. */
export async function roundTasks(
  source: Pick<RoundSource, 'tasks'>,
  ids: readonly string[],
): Promise<RoundTask[]> {
  const out: RoundTask[] = [];
  for (let i = 0; i < ids.length; i += 8) {
    const batch = await Promise.all(ids.slice(i, i + 8).map((id) => source.tasks(id)));
    for (const tasks of batch) out.push(...tasks);
  }
  return out;
}

/** The round's calibration over its reviewed proposals (undefined without a submitted review). */
export async function roundCalibration(
  source: Pick<RoundSource, 'tasks'>,
  reviewed: readonly Proposal[],
): Promise<Calibration | undefined> {
  const ids = reviewed.map((p) => p.id);
  return calibrateRound(ids, await roundTasks(source, ids));
}

export function storeSource(store: ProposalStore): RoundSource {
  return {
    reviewed: () => store.list('REVIEWED'),
    tasks: (id) => store.reviews(id),
    note: async (id, note) => {
      await store.note(id, note);
    },
  };
}

function parseTop(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new CliError('--top must be a positive whole number', 1);
  return Number(value);
}

/** Runs the selection on a round (no AWS needed: `source` and `solve` are given). */
export async function finalistsSelection(
  source: RoundSource,
  profile: Profile,
  top: number,
  solve: MipSolver,
): Promise<{ selection: FinalistSelection; calibration?: Calibration }> {
  const reviewed = await source.reviewed();
  const calibration = await roundCalibration(source, reviewed);
  const calibrated = new Map(calibration?.proposals.map((p) => [p.proposalId, p.calibrated]));
  const candidates: FinalistCandidate[] = reviewed.map((p) => ({
    id: p.id,
    score: calibrated.get(p.id) ?? p.result?.score ?? 0,
    ...(p.category ? { category: p.category } : {}),
    ...(p.group ? { group: p.group } : {}),
    ...(p.agencyKind ? { agencyKind: p.agencyKind } : {}),
    ...(p.province ? { province: p.province } : {}),
    ...(p.regency ? { regency: p.regency } : {}),
  }));
  const rules = {
    top,
    quotas: profile.finalists?.quotas ?? [],
    regions3T: profile.finalists?.regions3T ?? [],
  };
  const selection = await selectFinalists(candidates, rules, solve);
  return { selection, ...(calibration ? { calibration } : {}) };
}

/** The selection as rows and the quota costs as lines. */
export function formatSelection(selection: FinalistSelection, format: string): string {
  const header = ['rank', 'id', 'score', 'category', 'group', 'agencyKind', 'regency', 'top by score'];
  const rows = selection.finalists.map((f) => [
    f.rank,
    f.id,
    f.score,
    f.category ?? '',
    f.group ?? '',
    f.agencyKind ?? '',
    f.regency ?? '',
    f.inTopByScore ? 'yes' : 'no (quota)',
  ]);
  const costs = selection.costs.map(
    (c) =>
      `${c.quota}: costs ${c.cost} points` +
      (c.brings.length ? `; brings in ${c.brings.join(', ')}; keeps out ${c.keepsOut.join(', ')}` : ''),
  );
  const lowered = selection.bounds
    .filter((b) => b.lowered)
    .map(
      (b) => `${b.quota} (${b.value}): minimum lowered to the ${b.available} proposals that could meet it`,
    );
  const summary = [
    `total ${selection.total} (plain top ${selection.finalists.length}: ${selection.unconstrained}; the quotas together cost ${Math.round((selection.unconstrained - selection.total) * 100) / 100})`,
    ...costs,
    ...lowered,
  ];
  if (format === 'csv') return csvText([header, ...rows]);
  if (format === 'md') {
    return `| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|\n${rows
      .map((r) => `| ${r.map(markdownCell).join(' | ')} |`)
      .join('\n')}\n\n${summary.map((l) => `- ${markdownCell(l)}`).join('\n')}\n`;
  }
  return `${renderTable(header, rows)}\n\n${summary.join('\n')}\n`;
}

export async function finalistsCommand(opts: FinalistsOptions): Promise<number> {
  const format = opts.format ?? 'table';
  if (!['table', 'csv', 'md', 'json'].includes(format)) {
    throw new CliError('--format must be table, csv, md or json', 1);
  }
  const profile = opts.profile ? loadProfile(opts.profile) : await deployedProfile();
  const top = parseTop(opts.top, profile.finalists?.top ?? 99);
  const { table } = await deployment();
  const source = storeSource(new ProposalStore(awsClients().doc, table));
  const { selection } = await finalistsSelection(source, profile, top, await highsSolver());
  if (format === 'json') print(jsonText(selection));
  else print(formatSelection(selection, format));
  if (opts.record) {
    for (const f of selection.finalists) {
      await source.note(
        f.id,
        `Selected as finalist ${f.rank} of ${selection.finalists.length} (calibrated score ${f.score}${f.inTopByScore ? '' : ', brought in by a quota'})`,
      );
    }
    process.stderr.write(`Recorded in the history of ${selection.finalists.length} proposals.\n`);
  }
  return 0;
}
