import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../bench/random';
import { loadProfile } from '../../functions/lib/adapters/profile-file';
import {
  acceptTask,
  assignmentPorts,
  getTask,
  getTaskWithToken,
  listedTasksUntil,
  moveTask,
  readProposalTasks,
  releaseReviewer,
  storeTaskToken,
} from '../../functions/lib/adapters/review-tasks';
import { getReviewers, importRoster, listReviewers } from '../../functions/lib/adapters/roster';
import { assignReviewers, moveSeat, reserveReviewer } from '../../functions/lib/assignment';
import { ReviewerUnavailableError } from '../../functions/lib/assignment/errors';
import { conflictOf, type ProposalForAssignment } from '../../functions/lib/assignment/rules';
import type { Reviewer } from '../../functions/lib/model';
import { startTestTable, type TestTable } from '../../local/emulators/table';

const kipp = loadProfile('kipp');
const CATEGORIES = kipp.categories.map((c) => c.id);
const NOW = new Date('2025-07-01T02:00:00.000Z');

const INSTITUTIONS = [
  'Universitas Indonesia',
  'Universitas Gadjah Mada',
  'Institut Teknologi Bandung',
  'Universitas Airlangga',
  'Universitas Hasanuddin',
  'Dinas Kesehatan Kota Surabaya',
  'Pemerintah Kabupaten Sleman',
  'Pemerintah Kota Bandung',
];

function makeRoster(count: number, capacity: number, random: () => number): Reviewer[] {
  return Array.from({ length: count }, (_, i) => {
    const first = CATEGORIES[i % CATEGORIES.length]!;
    const second = CATEGORIES[Math.floor(random() * CATEGORIES.length)]!;
    return {
      id: `rev-${String(i).padStart(3, '0')}`,
      name: `Dr. Penilai ${i}`,
      email: `penilai.${i}@example.ac.id`,
      institution: INSTITUTIONS[i % INSTITUTIONS.length]!,
      expertise: [...new Set([first, second])],
      capacity,
      load: 0,
      language: 'id',
      active: true,
      conflicts: i % 9 === 0 ? ['Pemerintah Kota Bandung'] : [],
    };
  });
}

function makeProposals(count: number, random: () => number): ProposalForAssignment[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `prop-${String(i).padStart(4, '0')}`,
    institution: INSTITUTIONS[Math.floor(random() * INSTITUTIONS.length)]!,
    agency: `agency-${i % 17}`,
    category: CATEGORIES[Math.floor(random() * CATEGORIES.length)]!,
    // Some submitters are on the roster themselves.
    ...(i % 25 === 0 ? { contactEmail: `PENILAI.${i % 60}@example.ac.id` } : {}),
  }));
}

async function clearTable(doc: DynamoDBDocumentClient, table: string): Promise<void> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({ TableName: table, ProjectionExpression: 'PK, SK', ExclusiveStartKey: start }),
    );
    const items = page.Items ?? [];
    for (let i = 0; i < items.length; i += 25) {
      await doc.send(
        new BatchWriteCommand({
          RequestItems: {
            [table]: items
              .slice(i, i + 25)
              .map((item) => ({ DeleteRequest: { Key: { PK: item.PK, SK: item.SK } } })),
          },
        }),
      );
    }
    start = page.LastEvaluatedKey;
  } while (start);
}

async function allTasks(doc: DynamoDBDocumentClient, table: string) {
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'begins_with(SK, :review)',
        ExpressionAttributeValues: { ':review': 'REVIEW#' },
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

async function loadOf(doc: DynamoDBDocumentClient, table: string, reviewerId: string): Promise<number> {
  const out = await doc.send(
    new GetCommand({
      TableName: table,
      Key: { PK: `REVIEWER#${reviewerId}`, SK: 'PROFILE' },
      ConsistentRead: true,
    }),
  );
  return Number(out.Item?.load);
}

let db: TestTable;

beforeAll(async () => {
  db = await startTestTable();
});

afterAll(async () => {
  await db?.close();
});

afterEach(async () => {
  await clearTable(db.doc, db.tableName);
});

describe('assigning reviewers on DynamoDB Local', () => {
  it('keeps 200 concurrent assignments within capacity, conflict-free and counted exactly', async () => {
    const random = seededRandom(2025);
    const roster = makeRoster(60, 10, random); // 600 seats for 200 proposals x 3 reviewers: just enough
    const proposals = makeProposals(200, random);
    await importRoster(db.doc, db.tableName, roster);

    const started = performance.now();
    const results = await Promise.all(
      proposals.map((p) => assignReviewers(assignmentPorts(db.doc, db.tableName), p, kipp, NOW)),
    );
    const elapsed = performance.now() - started;

    const transactions = results.reduce((sum, r) => sum + r.stats.transactions, 0);
    const retries = results.reduce((sum, r) => sum + r.stats.retries, 0);
    const races = results.reduce((sum, r) => sum + r.stats.capacityRaces, 0);
    const collisions = results.reduce((sum, r) => sum + r.stats.collisions, 0);
    const short = results.filter((r) => r.missing > 0);
    console.log(
      `200 concurrent assignments: ${elapsed.toFixed(0)} ms, ${transactions} transactions, ${retries} cancelled and retried ` +
        `(${races} capacity races, ${collisions} collisions), ` +
        `${results.length - short.length} fully assigned, ${short.length} short (${short.reduce((s, r) => s + r.missing, 0)} seats)`,
    );

    const tasks = await allTasks(db.doc, db.tableName);
    const stored = await listReviewers(db.doc, db.tableName);
    const byReviewer = new Map<string, number>();
    for (const task of tasks)
      byReviewer.set(String(task.reviewerId), (byReviewer.get(String(task.reviewerId)) ?? 0) + 1);
    for (const reviewer of stored) {
      expect(reviewer.load).toBeLessThanOrEqual(reviewer.capacity);
      expect(reviewer.load).toBe(byReviewer.get(reviewer.id) ?? 0);
    }

    const rosterById = new Map(roster.map((r) => [r.id, r]));
    proposals.forEach((proposal, i) => {
      const result = results[i]!;
      const ids = result.tasks.map((t) => t.reviewerId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length + result.missing).toBe(kipp.review.reviewersPerProposal);
      if (result.missing > 0) expect(result.gap?.id).toBeTruthy();
      for (const id of ids) expect(conflictOf(proposal, rosterById.get(id)!, kipp)).toBeUndefined();
      // Coverage first: a full proposal has an expert unless none was free (then it says so).
      if (result.missing === 0 && !result.expertiseMissing) {
        expect(ids.some((id) => rosterById.get(id)!.expertise.includes(proposal.category))).toBe(true);
      }
      const storedForProposal = tasks.filter((t) => t.proposalId === proposal.id).map((t) => t.reviewerId);
      expect(storedForProposal.sort()).toEqual([...ids].sort());
    });
    expect(tasks.length).toBe(results.reduce((sum, r) => sum + r.tasks.length, 0));
    expect(tasks.length).toBeGreaterThan(550);
  });

  it('changes nothing when an assignment runs again, and returns the same tasks', async () => {
    const random = seededRandom(7);
    await importRoster(db.doc, db.tableName, makeRoster(12, 5, random));
    const [proposal] = makeProposals(1, random);
    const first = await assignReviewers(assignmentPorts(db.doc, db.tableName), proposal!, kipp, NOW);
    expect(first.tasks).toHaveLength(3);
    const loads = await listReviewers(db.doc, db.tableName);

    const again = await assignReviewers(
      assignmentPorts(db.doc, db.tableName),
      proposal!,
      kipp,
      new Date(NOW.getTime() + 60_000),
    );
    expect(again.tasks).toEqual(first.tasks);
    expect(again.stats.transactions).toBe(0);
    expect(await listReviewers(db.doc, db.tableName)).toEqual(loads);
    expect(again.unsent).toEqual(first.unsent);

    // Once a task is handed to its reviewer (token stored), it is no longer among those to send.
    const sent = first.tasks[0]!;
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: { PK: `PROPOSAL#${proposal!.id}`, SK: `REVIEW#${sent.reviewerId}` },
        UpdateExpression: 'SET #token = :token',
        ExpressionAttributeNames: { '#token': 'token' },
        ExpressionAttributeValues: { ':token': 'task-token' },
      }),
    );
    const third = await assignReviewers(assignmentPorts(db.doc, db.tableName), proposal!, kipp, NOW);
    expect(third.unsent.sort()).toEqual(
      first.tasks
        .slice(1)
        .map((t) => t.reviewerId)
        .sort(),
    );
    expect(third.tasks.some((t) => 'token' in t)).toBe(false);
  });

  it('writes the task with its due date, listing keys and a long random review id', async () => {
    const random = seededRandom(11);
    await importRoster(db.doc, db.tableName, makeRoster(6, 5, random));
    const [proposal] = makeProposals(1, random);
    const { tasks } = await assignReviewers(assignmentPorts(db.doc, db.tableName), proposal!, kipp, NOW);
    const task = tasks[0]!;
    expect(task.status).toBe('PENDING');
    expect(task.attempt).toBe(1);
    expect(task.dueAt).toBe('2025-07-15T02:00:00.000Z');
    expect(task.reviewId).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const item = (
      await db.doc.send(
        new GetCommand({
          TableName: db.tableName,
          Key: { PK: `PROPOSAL#${proposal!.id}`, SK: `REVIEW#${task.reviewerId}` },
        }),
      )
    ).Item!;
    expect(item.GSI1PK).toBe(`REVIEWER#${task.reviewerId}`);
    expect(item.GSI2PK).toBe('OPEN_TASKS');
    expect(item.GSI2SK).toBe(`${task.dueAt}#${proposal!.id}#${task.reviewerId}`);
  });

  it('fills only the freed seat after a decline, and never asks the decliner again', async () => {
    const random = seededRandom(3);
    await importRoster(db.doc, db.tableName, makeRoster(10, 5, random));
    const [proposal] = makeProposals(1, random);
    const first = await assignReviewers(assignmentPorts(db.doc, db.tableName), proposal!, kipp, NOW);
    const decliner = first.tasks[0]!.reviewerId;
    await releaseReviewer(db.doc, db.tableName, proposal!.id, decliner, 'DECLINED', {
      declineReason: 'Cuti',
    });

    const refill = await assignReviewers(assignmentPorts(db.doc, db.tableName), proposal!, kipp, NOW);
    expect(refill.stats.transactions).toBe(1);
    expect(refill.tasks).toHaveLength(3);
    expect(refill.tasks.map((t) => t.reviewerId)).not.toContain(decliner);
    expect(refill.alternates).not.toContain(decliner);
    const kept = first.tasks.slice(1).map((t) => t.reviewId);
    expect(refill.tasks.filter((t) => kept.includes(t.reviewId))).toHaveLength(2);
  });

  it('frees the seat once when a task is released twice', async () => {
    const random = seededRandom(5);
    await importRoster(db.doc, db.tableName, makeRoster(6, 5, random));
    const [proposal] = makeProposals(1, random);
    const { tasks } = await assignReviewers(assignmentPorts(db.doc, db.tableName), proposal!, kipp, NOW);
    const reviewerId = tasks[0]!.reviewerId;
    expect(await loadOf(db.doc, db.tableName, reviewerId)).toBe(1);

    const at = new Date('2025-07-03T00:00:00.000Z');
    expect(
      await releaseReviewer(db.doc, db.tableName, proposal!.id, reviewerId, 'TIMED_OUT', { at }),
    ).toEqual({
      released: true,
    });
    expect(
      await releaseReviewer(db.doc, db.tableName, proposal!.id, reviewerId, 'TIMED_OUT', { at }),
    ).toEqual({
      released: false,
    });
    expect(await releaseReviewer(db.doc, db.tableName, proposal!.id, reviewerId, 'DECLINED')).toEqual({
      released: false,
    });
    expect(await loadOf(db.doc, db.tableName, reviewerId)).toBe(0);
    const closed = await getTask(db.doc, db.tableName, proposal!.id, reviewerId);
    expect(closed?.status).toBe('TIMED_OUT');
    expect(closed?.decidedAt).toBe(at.toISOString());
    const item = (
      await db.doc.send(
        new GetCommand({
          TableName: db.tableName,
          Key: { PK: `PROPOSAL#${proposal!.id}`, SK: `REVIEW#${reviewerId}` },
        }),
      )
    ).Item!;
    expect(item.GSI2PK).toBeUndefined();
    expect(item.GSI1PK).toBe(`REVIEWER#${reviewerId}`);
  });

  it('reserves a named reviewer for ops, and refuses a conflict or a full reviewer with a clear error', async () => {
    const random = seededRandom(13);
    const roster = makeRoster(8, 1, random);
    await importRoster(db.doc, db.tableName, roster);
    const proposal: ProposalForAssignment = {
      id: 'prop-manual',
      institution: 'Universitas Indonesia',
      agency: 'ui',
      category: 'kesehatan',
    };
    const conflicted = roster.find((r) => r.institution === 'Universitas Indonesia')!;
    const error = await reserveReviewer(
      assignmentPorts(db.doc, db.tableName),
      proposal,
      conflicted.id,
      kipp,
      NOW,
      2,
    ).catch((e) => e);
    expect(error).toBeInstanceOf(ReviewerUnavailableError);
    expect(error.name).toBe('ReviewerUnavailable');
    expect(error.reason).toBe('same-institution');
    expect(error.text.id).toContain('berasal dari instansi pengusul');

    // A reviewer of another office of the government the proposal's agency belongs to is refused too.
    const official = {
      ...roster.find((r) => r.institution !== 'Universitas Indonesia')!,
      government: 'Pemerintah Kota Depok',
    };
    await importRoster(db.doc, db.tableName, [official]);
    const depok = {
      ...proposal,
      id: 'prop-manual-depok',
      institution: 'Dinas Kesehatan Kota Depok',
      agency: 'dinkes-kota-depok',
      parentGovernment: 'Pemerintah Kota Depok',
    };
    const refused = await reserveReviewer(
      assignmentPorts(db.doc, db.tableName),
      depok,
      official.id,
      kipp,
      NOW,
      2,
    ).catch((e) => e);
    expect(refused).toBeInstanceOf(ReviewerUnavailableError);
    expect(refused.reason).toBe('same-government');
    expect(refused.text.en).toContain('(Pemerintah Kota Depok)');
    const { government: _dropped, ...unofficial } = official;
    await importRoster(db.doc, db.tableName, [unofficial]);

    const free = roster.find((r) => r.institution !== 'Universitas Indonesia')!;
    const task = await reserveReviewer(
      assignmentPorts(db.doc, db.tableName),
      proposal,
      free.id,
      kipp,
      NOW,
      2,
    );
    expect(task.attempt).toBe(2);
    expect(
      await reserveReviewer(assignmentPorts(db.doc, db.tableName), proposal, free.id, kipp, NOW, 2),
    ).toEqual(task);
    expect(await loadOf(db.doc, db.tableName, free.id)).toBe(1);

    const other = { ...proposal, id: 'prop-manual-2' };
    const full = await reserveReviewer(
      assignmentPorts(db.doc, db.tableName),
      other,
      free.id,
      kipp,
      NOW,
      1,
    ).catch((e) => e);
    expect(full.reason).toBe('full');
    expect(await readProposalTasks(db.doc, db.tableName, other.id)).toEqual([]);
  });

  it('fills every seat when no expert of the category is free, and says the expertise is missing', async () => {
    const random = seededRandom(17);
    const roster = makeRoster(10, 3, random).map((r) => ({ ...r, expertise: ['pendidikan'] }));
    await importRoster(db.doc, db.tableName, roster);
    const proposal: ProposalForAssignment = {
      id: 'prop-gap',
      institution: 'Dinas Kesehatan Kota Surabaya',
      agency: 'dinkes-surabaya',
      category: 'kesehatan',
    };
    const result = await assignReviewers(assignmentPorts(db.doc, db.tableName), proposal, kipp, NOW);
    expect(result.tasks).toHaveLength(3);
    expect(result.missing).toBe(0);
    expect(result.expertiseMissing).toBe(true);
    expect(result.gap).toBeUndefined();
    expect(result.explanation.chosen.every((c) => !c.expertiseMatch)).toBe(true);
  });
});

describe('moving a seat for a batch re-plan on DynamoDB Local', () => {
  const movePorts = () => ({
    reviewers: (ids: readonly string[]) => getReviewers(db.doc, db.tableName, ids),
    move: (m: Parameters<typeof moveTask>[2]) => moveTask(db.doc, db.tableName, m),
  });

  it('moves a handed-out PENDING task in one transaction, and nothing at all when any part is refused', async () => {
    const random = seededRandom(21);
    const roster = makeRoster(8, 1, random);
    await importRoster(db.doc, db.tableName, roster);
    const [proposal] = makeProposals(1, random);
    // No conflict with any reviewer of the roster (the generator makes this one's contact a reviewer).
    const { contactEmail: _submitter, ...rest } = proposal!;
    const subject = { ...rest, institution: 'Dinas Contoh', status: 'IN_REVIEW' as const };
    const { tasks } = await assignReviewers(assignmentPorts(db.doc, db.tableName), subject, kipp, NOW);
    const [a, b, c] = tasks.map((t) => t.reviewerId) as [string, string, string];
    const free = roster.map((r) => r.id).filter((id) => !tasks.some((t) => t.reviewerId === id));
    const [x, y] = free as [string, string];
    // Handed out: the executions wait on a and b; c's task has no token yet.
    await storeTaskToken(db.doc, db.tableName, { proposalId: subject.id, reviewerId: a }, 'token-a', NOW);
    await storeTaskToken(db.doc, db.tableName, { proposalId: subject.id, reviewerId: b }, 'token-b', NOW);
    const later = new Date(NOW.getTime() + 86_400_000);

    const moved = await moveSeat(movePorts(), subject, a, x, kipp, later);
    expect(moved.outcome === 'reviewer-unavailable' ? moved.reason.en : moved.outcome).toBe('moved');
    const old = await getTaskWithToken(db.doc, db.tableName, subject.id, a);
    expect(old).toMatchObject({ status: 'REASSIGNED', movedTo: x, token: 'token-a' });
    expect(await getTask(db.doc, db.tableName, subject.id, x)).toMatchObject({
      status: 'PENDING',
      attempt: 1,
    });
    expect([await loadOf(db.doc, db.tableName, a), await loadOf(db.doc, db.tableName, x)]).toEqual([0, 1]);
    // Listed for delivery: the sweep tells the execution if the CLI could not.
    const listed: string[] = [];
    for await (const t of listedTasksUntil(db.doc, db.tableName, later)) listed.push(t.reviewerId);
    expect(listed).toContain(a);

    // x is full now (capacity 1): b's move is refused whole; b keeps the seat, loads unchanged.
    const full = await moveSeat(movePorts(), subject, b, x, kipp, later);
    expect(full).toMatchObject({ outcome: 'reviewer-unavailable' });
    expect(full.outcome === 'reviewer-unavailable' && full.reason.en).toMatch(/capacity/);
    expect((await getTask(db.doc, db.tableName, subject.id, b))?.status).toBe('PENDING');
    expect(await loadOf(db.doc, db.tableName, b)).toBe(1);

    // A task not handed out (no execution waits on it) or already accepted never moves.
    expect((await moveSeat(movePorts(), subject, c, y, kipp, later)).outcome).toBe('task-changed');
    expect(await getTask(db.doc, db.tableName, subject.id, y)).toBeUndefined();
    expect(await loadOf(db.doc, db.tableName, y)).toBe(0);
    expect(await acceptTask(db.doc, db.tableName, { proposalId: subject.id, reviewerId: b }, later)).toBe(
      true,
    );
    expect((await moveSeat(movePorts(), subject, b, y, kipp, later)).outcome).toBe('task-changed');
    // A reviewer who held a task on the proposal (a, now REASSIGNED) is never given a second one there.
    await storeTaskToken(db.doc, db.tableName, { proposalId: subject.id, reviewerId: x }, 'token-x', later);
    expect((await moveSeat(movePorts(), subject, x, a, kipp, later)).outcome).toBe('task-exists');
    expect((await getTask(db.doc, db.tableName, subject.id, x))?.status).toBe('PENDING');
  });
});
