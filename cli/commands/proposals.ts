/**
 * Proposal commands: upload, status, list, assign, resume, extend, report. They talk to the deployment through
 * the standard AWS SDK chain, so the same commands work against AWS and the local runtime.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { resumeAssignment } from '../../functions/lib/adapters/executions';
import { ProposalStore, type ProposalView } from '../../functions/lib/adapters/proposals';
import { assignmentPorts, extendTask, findTaskByReviewId } from '../../functions/lib/adapters/review-tasks';
import { putUpload } from '../../functions/lib/adapters/storage';
import { assignmentSubject, ReviewerUnavailableError, reserveReviewer } from '../../functions/lib/assignment';
import { PROPOSAL_STATUSES, type ProposalStatus } from '../../functions/lib/model';
import { extendDueDate } from '../../functions/lib/review';
import { topChanges } from '../../functions/lib/review/calibration';
import { parseUploadKey, proposalIdFor } from '../../functions/lib/uploads';
import { awsClients, CliError, deployment } from '../context';
import { csvText, field, jsonText, markdownCell, print, printError } from '../output';
import { deployedProfile } from '../profile';
import { table as renderTable } from '../table';

/** The JSON form of a proposal: what `status --json` prints and `list --json` prints an array of. */
export function proposalJson(view: ProposalView) {
  return {
    id: view.id,
    status: view.status,
    title: view.title ?? null,
    agency: view.agency,
    parentGovernment: view.parentGovernment ?? null,
    province: view.province ?? null,
    regency: view.regency ?? null,
    agencyKind: view.agencyKind ?? null,
    institution: view.institution ?? null,
    group: view.group ?? null,
    category: view.category ?? null,
    key: view.key,
    reason: view.reason,
    receivedAt: view.receivedAt,
    updatedAt: view.updatedAt,
    result: view.result ?? null,
    reviews: view.reviews.map((r) => ({
      reviewer: r.reviewerId,
      status: r.status,
      score: r.score ?? null,
      dueAt: r.dueAt,
      reviewId: r.reviewId,
      ...(r.movedTo ? { movedTo: r.movedTo } : {}),
    })),
    history: view.history.map((h) => ({ at: h.at, status: h.status, note: h.note })),
    validation: view.validation ?? null,
  };
}

async function store(): Promise<ProposalStore> {
  const { table } = await deployment();
  return new ProposalStore(awsClients().doc, table);
}

export async function uploadCommand(file: string, opts: { agency: string; name?: string }): Promise<number> {
  const { bucket, uploadPrefix } = await deployment();
  const name = opts.name ?? basename(file);
  const key = `${uploadPrefix}${opts.agency}/${name}`;
  const check = parseUploadKey(key);
  if (!check.ok) throw new CliError(check.reason, 1);
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    throw new CliError(
      `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const profile = await deployedProfile();
  if (size > profile.files.maxBytes * 1.0) {
    printError(
      `Warning: ${file} is ${(size / 1e6).toFixed(1)} MB, over the ${(profile.files.maxBytes / 1e6).toFixed(1)} MB limit; it will be rejected.\n`,
    );
  }
  const version = await putUpload(awsClients().s3, { bucket, key, body: await readFile(file) });
  const id = proposalIdFor(bucket, key, version);
  print(
    `Uploaded ${file} to s3://${bucket}/${key}\nProposal id: ${id}\nFollow it: npx proposals status ${id}\n`,
  );
  return 0;
}

export async function statusCommand(id: string, opts: { json?: boolean }): Promise<number> {
  const view = await (await store()).view(id);
  if (!view) throw new CliError(`No proposal ${id}. List them with: npx proposals list`, 1);
  if (opts.json) {
    print(`${jsonText(proposalJson(view))}\n`);
    return 0;
  }
  // Times as the competition states them: in the profile's time zone.
  const { timeZone } = await deployedProfile();
  const local = localTime(timeZone);
  const lines = [
    `${field(view.id)}  ${view.status}`,
    `  title     ${field(view.title ?? '-')}`,
    `  agency    ${field(view.agency)}${view.institution ? ` (${field(view.institution)})` : ''}`,
    `  group     ${field(view.group ?? '-')}   category ${field(view.category ?? '-')}`,
    `  file      ${field(view.key)}`,
    `  reason    ${field(view.reason)}`,
  ];
  if (view.result) {
    lines.push(
      `  result    score ${view.result.score} from ${view.result.reviews} review(s), spread ${view.result.spread}${view.result.disagreement ? ' (reviewers disagree)' : ''}`,
    );
  }
  if (view.reviews.length) {
    lines.push('', 'Reviews:');
    lines.push(
      renderTable(
        ['reviewer', 'status', 'score', `due (${timeZone})`, 'review id'],
        view.reviews.map((r) => [
          r.reviewerId,
          r.movedTo ? `${r.status} -> ${r.movedTo}` : r.status,
          r.score ?? '',
          local(r.dueAt),
          r.reviewId,
        ]),
      ),
    );
  }
  const report = view.validation as
    | { issues?: Array<{ code: string; severity: string; message: { en: string } }> }
    | undefined;
  if (report?.issues?.length) {
    lines.push('', 'Validation issues:');
    for (const issue of report.issues)
      lines.push(`  [${field(issue.severity)}] ${field(issue.code)}: ${field(issue.message?.en)}`);
  }
  lines.push('', 'History:');
  lines.push(
    renderTable(
      [`at (${timeZone})`, 'status', 'note'],
      view.history.map((h) => [local(h.at), h.status, h.note]),
    ),
  );
  print(`${lines.join('\n')}\n`);
  return 0;
}

/** `2025-07-14 23:59:00` in `timeZone`, for an ISO time from the table. */
export function localTime(timeZone: string): (iso: string) => string {
  const format = new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  return (iso) => format.format(new Date(iso));
}

export async function listCommand(opts: { status?: string; json?: boolean }): Promise<number> {
  let status: ProposalStatus | undefined;
  if (opts.status) {
    const upper = opts.status.toUpperCase();
    if (!PROPOSAL_STATUSES.includes(upper as ProposalStatus)) {
      throw new CliError(`Unknown status ${opts.status}; one of ${PROPOSAL_STATUSES.join(', ')}`, 1);
    }
    status = upper as ProposalStatus;
  }
  const s = await store();
  const proposals = await s.list(status);
  if (opts.json) {
    const views = [];
    for (const p of proposals) {
      const view = await s.view(p.id);
      if (view) views.push(proposalJson(view));
    }
    print(`${jsonText(views)}\n`);
    return 0;
  }
  if (proposals.length === 0) {
    print(status ? `No proposal is ${status}.\n` : 'No proposals yet.\n');
    return 0;
  }
  print(
    `${renderTable(
      ['id', 'status', 'agency', 'group', 'title', 'reason'],
      proposals.map((p) => [
        p.id,
        p.status,
        p.agency,
        p.group ?? '',
        field(p.title).slice(0, 40),
        field(p.reason).slice(0, 60),
      ]),
    )}\n${proposals.length} proposal(s)\n`,
  );
  return 0;
}

/** Answers the execution parked in WaitForOps so that assignment runs again. */
export async function wakeUp(id: string): Promise<boolean> {
  const s = await store();
  const proposal = await s.require(id).catch(() => {
    throw new CliError(`No proposal ${id}`, 1);
  });
  if (proposal.status !== 'NEEDS_REVIEWERS' || !proposal.opsToken) return false;
  await resumeAssignment(awsClients().sfn, proposal.opsToken);
  await s.transition(id, 'NEEDS_REVIEWERS', 'Ops resumed the assignment', {
    from: ['NEEDS_REVIEWERS'],
    remove: ['opsToken'],
  });
  return true;
}

export async function resumeCommand(id: string): Promise<number> {
  if (!(await wakeUp(id))) {
    throw new CliError(`Proposal ${id} is not waiting for reviewers (see: npx proposals status ${id})`, 1);
  }
  print(`Proposal ${id}: assignment runs again with the current roster.\n`);
  return 0;
}

export async function assignCommand(id: string, opts: { reviewer: string[] }): Promise<number> {
  const s = await store();
  const { table } = await deployment();
  const proposal = await s.get(id);
  if (!proposal) throw new CliError(`No proposal ${id}`, 1);
  const subject = assignmentSubject(proposal);
  if (!subject) throw new CliError(`Proposal ${id} has not been validated yet`, 1);
  // Conflicts, expertise and the review window of the deployed profile: the rules the pipeline assigns by.
  const profile = await deployedProfile();
  for (const reviewerId of opts.reviewer) {
    try {
      await reserveReviewer(
        assignmentPorts(awsClients().doc, table),
        subject,
        reviewerId,
        profile,
        new Date(),
        1,
      );
      print(`Reserved ${reviewerId} for ${id}.\n`);
    } catch (error) {
      if (error instanceof ReviewerUnavailableError) throw new CliError(`${reviewerId}: ${error.message}`, 1);
      throw error;
    }
  }
  if (await wakeUp(id)) print(`Proposal ${id}: the pipeline carries on.\n`);
  return 0;
}

export async function extendCommand(reviewId: string, opts: { days: string }): Promise<number> {
  const days = Number(opts.days);
  // The limits of the deployed profile: the Step Functions safety net of each task is sized from the same ones.
  const { review, timeZone } = await deployedProfile();
  const { table } = await deployment();
  const task = await findTaskByReviewId(awsClients().doc, table, reviewId);
  if (!task)
    throw new CliError(`No review task ${reviewId} (the review id is in \`npx proposals status ID\`)`, 1);
  if (task.status !== 'PENDING' && task.status !== 'ACCEPTED') {
    throw new CliError(`Review task ${reviewId} is ${task.status}; only open tasks can be extended`, 1);
  }
  const extension = extendDueDate(task, days, review);
  if (!extension.ok) {
    throw new CliError(`--days ${opts.days}: ${extension.reason}`, 1);
  }
  const dueAt = extension.dueAt.toISOString();
  if (!(await extendTask(awsClients().doc, table, task, extension.dueAt))) {
    throw new CliError(
      `Review task ${reviewId} changed meanwhile (answered, closed or extended); look again`,
      1,
    );
  }
  await (await store()).note(
    task.proposalId,
    // The day as the competition states it (the profile's time zone), e.g. 2025-07-19.
    `Deadline of ${task.reviewerId} extended by ${days} day(s) to ${new Intl.DateTimeFormat('en-CA', { timeZone }).format(extension.dueAt)}`,
  );
  print(`Review ${reviewId} (${task.reviewerId} on ${task.proposalId}) is now due ${dueAt}.\n`);
  return 0;
}

export async function reportCommand(opts: {
  group?: string;
  category?: string;
  format?: string;
  top?: string;
}): Promise<number> {
  const format = opts.format ?? 'table';
  if (!['table', 'csv', 'md'].includes(format)) throw new CliError('--format must be csv, md or table', 1);
  if (opts.top !== undefined && !/^[1-9]\d*$/.test(opts.top)) {
    throw new CliError('--top must be a positive whole number', 1);
  }
  const top = Number(opts.top ?? 99);
  const s = await store();
  const reviewed = await s.list('REVIEWED');
  // Calibrated over the whole round (reviewer leniency), then filtered: ranked by the calibrated score.
  const { roundCalibration, storeSource } = await import('./finalists');
  const calibration = await roundCalibration(storeSource(s), reviewed);
  const calibrated = new Map(calibration?.proposals.map((c) => [c.proposalId, c]));
  const moved: { entering: string[]; leaving: string[] } = calibration
    ? topChanges(calibration, top)
    : { entering: [], leaving: [] };
  const value = (id: string, fallback?: number) => calibrated.get(id)?.calibrated ?? fallback ?? 0;
  const proposals = reviewed
    .filter((p) => !opts.group || p.group === opts.group)
    .filter((p) => !opts.category || p.category === opts.category)
    .sort((a, b) => value(b.id, b.result?.score) - value(a.id, a.result?.score));
  const header = [
    'rank',
    'id',
    'title',
    'institution',
    'group',
    'category',
    'score',
    'calibrated',
    'interval',
    'rank by score',
    'spread',
    'reviews',
    'flag',
  ];
  const rows = proposals.map((p, i) => {
    const c = calibrated.get(p.id);
    const flags = [
      p.result?.disagreement ? 'DISAGREEMENT' : '',
      moved.entering.includes(p.id) ? `INTO TOP ${top}` : '',
      moved.leaving.includes(p.id) ? `OUT OF TOP ${top}` : '',
    ].filter(Boolean);
    return [
      i + 1,
      p.id,
      p.title ?? '',
      p.institution ?? '',
      p.group ?? '',
      p.category ?? '',
      p.result?.score ?? '',
      c?.calibrated ?? '',
      c ? `${c.low}-${c.high}` : '',
      c?.rankMean ?? '',
      p.result?.spread ?? '',
      p.result?.reviews ?? '',
      flags.join(' '),
    ];
  });
  if (format === 'csv') {
    print(csvText([header, ...rows]));
  } else if (format === 'md') {
    print(
      `| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|\n${rows.map((r) => `| ${r.map(markdownCell).join(' | ')} |`).join('\n')}\n`,
    );
  } else {
    print(`${renderTable(header, rows)}\n`);
  }
  return 0;
}
