import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NewProposal, ProposalStore } from '../../functions/lib/adapters/proposals';
import { assignmentPorts, releaseReviewer } from '../../functions/lib/adapters/review-tasks';
import { importRoster } from '../../functions/lib/adapters/roster';
import { newStats } from '../../functions/lib/assignment';
import { InvalidTransitionError } from '../../functions/lib/errors';
import { keys, type ProposalStatus, type ReviewTask } from '../../functions/lib/model';
import { newReviewId } from '../../functions/lib/review/signing';
import { startTestTable, type TestTable } from '../../local/emulators/table';

let db: TestTable;

beforeAll(async () => {
  db = await startTestTable();
});

afterAll(async () => {
  await db?.close();
});

/** Each test works on its own proposals, so the tests share the table without clearing it. */
let serial = 0;
const uniqueId = (what: string) => `${what}-${++serial}`;

/** A clock that moves one second on every reading, from `start`. */
function ticking(start = '2025-07-01T02:00:00.000Z') {
  let now = new Date(start).getTime();
  return () => {
    const at = new Date(now);
    now += 1000;
    return at;
  };
}

const store = (clock: () => Date = ticking()) => new ProposalStore(db.doc, db.tableName, clock);

function upload(id = uniqueId('prop')): NewProposal {
  return {
    id,
    bucket: 'proposals-uploads',
    key: `uploads/dinkes-sleman/${id}.pdf`,
    versionId: `v-${id}`,
    etag: 'e3b0c44298fc1c149afbf4c8996fb924',
    size: 48_213,
    agency: 'dinkes-sleman',
  };
}

async function rawMeta(id: string) {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: keys.proposal(id), ConsistentRead: true }),
  );
  return out.Item;
}

/** The stored history events of a proposal, with their keys, in key order. */
async function events(id: string) {
  const out = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :event)',
      ExpressionAttributeValues: { ':pk': keys.proposal(id).PK, ':event': 'EVENT#' },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

const seqOf = (sk: unknown) => Number(String(sk).split('#').at(-1));

describe('registering an upload on DynamoDB Local', () => {
  it('registers an upload once: created the first time, the stored proposal after that', async () => {
    const proposals = store();
    const input = upload();

    const first = await proposals.register(input);
    expect(first.created).toBe(true);
    expect(first.proposal).toEqual({
      ...input,
      status: 'RECEIVED',
      reason: 'Upload received',
      receivedAt: '2025-07-01T02:00:00.000Z',
      updatedAt: '2025-07-01T02:00:00.000Z',
      seq: 1,
    });

    const again = await proposals.register({ ...input, size: 1 });
    expect(again).toEqual({ proposal: first.proposal, created: false });
    expect(await proposals.get(input.id)).toEqual(first.proposal);
    expect(await proposals.history(input.id)).toEqual([
      { at: '2025-07-01T02:00:00.000Z', status: 'RECEIVED', note: 'Upload received' },
    ]);
  });

  it('registers two deliveries of the same upload at once as one proposal', async () => {
    const input = upload();

    const results = await Promise.all([store().register(input), store().register(input)]);

    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results[0]!.proposal).toEqual(results[1]!.proposal);
    expect(await events(input.id)).toHaveLength(1);
  });

  it('registers an unusable upload directly as rejected, with its reason', async () => {
    const proposals = store();
    const input = upload();

    const { proposal } = await proposals.register(input, 'REJECTED', 'The file name has no agency folder');

    expect(proposal).toMatchObject({ status: 'REJECTED', reason: 'The file name has no agency folder' });
    expect(await proposals.history(input.id)).toEqual([
      { at: proposal.receivedAt, status: 'REJECTED', note: 'The file name has no agency folder' },
    ]);
    expect((await proposals.list('REJECTED')).map((p) => p.id)).toContain(input.id);
  });
});

describe('moving a proposal through its journey', () => {
  it('moves the status, writes the history line and lists the proposal under its new status', async () => {
    const proposals = store();
    const input = upload();
    const { id } = (await proposals.register(input)).proposal;

    const moved = await proposals.transition(id, 'VALIDATING', 'Validation started', { from: ['RECEIVED'] });

    const expected = {
      ...input,
      status: 'VALIDATING',
      reason: 'Validation started',
      receivedAt: '2025-07-01T02:00:00.000Z',
      updatedAt: '2025-07-01T02:00:01.000Z',
      seq: 2,
    };
    // What the move returns is what a later read shows.
    expect(moved).toEqual(expected);
    expect(await proposals.get(id)).toEqual(expected);
    expect(await proposals.history(id)).toEqual([
      { at: '2025-07-01T02:00:00.000Z', status: 'RECEIVED', note: 'Upload received' },
      { at: '2025-07-01T02:00:01.000Z', status: 'VALIDATING', note: 'Validation started' },
    ]);
    expect((await proposals.list('VALIDATING')).map((p) => p.id)).toContain(id);
    expect((await proposals.list('RECEIVED')).map((p) => p.id)).not.toContain(id);
    expect(await rawMeta(id)).toMatchObject({
      GSI2PK: 'STATUS#VALIDATING',
      GSI2SK: `2025-07-01T02:00:00.000Z#${id}`,
    });
  });

  it('sets and removes fields with the move', async () => {
    const proposals = store();
    const { id } = (await proposals.register(upload())).proposal;
    await proposals.transition(id, 'NEEDS_REVIEWERS', 'Waiting for ops', {
      fields: { opsToken: 'ops-token' },
    });

    const moved = await proposals.transition(id, 'IN_REVIEW', 'Reviewers assigned by ops', {
      from: ['NEEDS_REVIEWERS'],
      fields: { reviewersNeeded: 3, alternates: ['rev-7', 'rev-2'], title: undefined },
      remove: ['opsToken'],
    });

    expect(moved.status).toBe('IN_REVIEW');
    const stored = await proposals.get(id);
    expect(stored).toMatchObject({ status: 'IN_REVIEW', reviewersNeeded: 3, alternates: ['rev-7', 'rev-2'] });
    expect(stored).not.toHaveProperty('opsToken');
    expect(stored).not.toHaveProperty('title');
  });

  it('refuses a move from a status it is not allowed from, and changes nothing', async () => {
    const proposals = store();
    const { id } = (await proposals.register(upload())).proposal;
    await proposals.transition(id, 'REJECTED', 'Duplicate title');
    const before = await proposals.get(id);

    const error = await proposals
      .transition(id, 'ASSIGNING', 'Assigning reviewers', { from: ['VALIDATING'] })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvalidTransitionError);
    expect((error as Error).message).toContain('is REJECTED');
    expect(await proposals.get(id)).toEqual(before);
    expect(await proposals.history(id)).toHaveLength(2);
  });

  it('leaves a retried identical move alone: no second history line', async () => {
    const proposals = store();
    const { id } = (await proposals.register(upload())).proposal;
    await proposals.transition(id, 'VALIDATING', 'Validation started', { from: ['RECEIVED'] });
    const moved = await proposals.get(id);

    expect(
      await proposals.transition(id, 'VALIDATING', 'Validation started', { from: ['RECEIVED'] }),
    ).toEqual(moved);
    // Retried after the proposal is already where the move leads, with other words: still no error, no line.
    expect(
      await proposals.transition(id, 'VALIDATING', 'Validation restarted', { from: ['RECEIVED'] }),
    ).toEqual(moved);
    expect(await proposals.get(id)).toEqual(moved);
    expect(moved).toMatchObject({ status: 'VALIDATING', reason: 'Validation started', seq: 2 });
    expect(await proposals.history(id)).toHaveLength(2);
  });

  it('never interleaves concurrent writers on one proposal: each line once, sequence strictly increasing', async () => {
    for (let round = 0; round < 3; round++) {
      const { id } = (await store().register(upload())).proposal;
      const notes = ['Submitter notified', 'Checksum verified', 'Virus scan clean', 'Metadata extracted'];

      // Five Lambdas write at once, each with its own clock (the sandboxes' clocks agree to the millisecond).
      await Promise.all([
        store(() => new Date()).transition(id, 'VALIDATING', 'Validation started', { from: ['RECEIVED'] }),
        ...notes.map((note) => store(() => new Date()).note(id, note)),
      ]);

      const stored = await events(id);
      expect(stored.map((event) => event.note).sort()).toEqual(
        ['Upload received', 'Validation started', ...notes].sort(),
      );
      const seqs = stored.map((event) => seqOf(event.SK));
      expect(seqs).toEqual([1, 2, 3, 4, 5, 6]);
      expect((await store().get(id))?.seq).toBe(6);
      expect((await store().get(id))?.status).toBe('VALIDATING');
      // In sequence order, once the proposal is VALIDATING no line says it is RECEIVED again.
      const statuses = stored.map((event) => event.status as ProposalStatus);
      const moved = statuses.indexOf('VALIDATING');
      expect(statuses.slice(moved).every((status) => status === 'VALIDATING')).toBe(true);
      expect(statuses.slice(0, moved).every((status) => status === 'RECEIVED')).toBe(true);
    }
  });

  it('lets exactly one of two racing moves from the same status win', async () => {
    const { id } = (await store().register(upload())).proposal;

    const outcomes = await Promise.allSettled([
      store(() => new Date()).transition(id, 'VALIDATING', 'Validation started', { from: ['RECEIVED'] }),
      store(() => new Date()).transition(id, 'REJECTED', 'Unreadable file', { from: ['RECEIVED'] }),
    ]);

    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o) => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(InvalidTransitionError);
    expect(await events(id)).toHaveLength(2);
  });
});

describe("moving from the caller's copy of the proposal", () => {
  it('writes against an up-to-date copy without reading the proposal first', async () => {
    const proposals = store();
    const { proposal } = await proposals.register(upload());
    const reads: string[] = [];
    const counting = new ProposalStore(
      {
        send: (command: { constructor: { name: string } }) => {
          reads.push(command.constructor.name);
          return db.doc.send(command as never);
        },
      } as never,
      db.tableName,
      ticking('2025-07-01T03:00:00.000Z'),
    );

    const moved = await counting.transition(proposal.id, 'VALIDATING', 'Checking', {
      from: ['RECEIVED'],
      current: proposal,
    });

    expect(reads).toEqual(['TransactWriteCommand']);
    expect(moved).toMatchObject({ status: 'VALIDATING', seq: 2 });
    expect(await proposals.get(proposal.id)).toMatchObject({
      status: 'VALIDATING',
      reason: 'Checking',
      seq: 2,
    });
  });

  it('writes on what the table says when the copy is stale: one line, the sequence unbroken', async () => {
    const proposals = store();
    const { proposal: stale } = await proposals.register(upload());
    await proposals.note(stale.id, 'Submitter notified');

    const moved = await proposals.transition(stale.id, 'VALIDATING', 'Checking', {
      from: ['RECEIVED'],
      current: stale,
    });

    expect(moved).toMatchObject({ status: 'VALIDATING', seq: 3 });
    expect((await events(stale.id)).map((e) => [seqOf(e.SK), e.note])).toEqual([
      [1, 'Upload received'],
      [2, 'Submitter notified'],
      [3, 'Checking'],
    ]);
  });

  it('checks the rules on a fresh read, never on the copy alone', async () => {
    const proposals = store();
    const { proposal } = await proposals.register(upload());
    await proposals.transition(proposal.id, 'VALIDATING', 'Checking', { from: ['RECEIVED'] });
    // A copy from before another writer moved the proposal on: the move it allows is no longer allowed.
    await expect(
      proposals.transition(proposal.id, 'REJECTED', 'Unreadable file', {
        from: ['RECEIVED'],
        current: proposal,
      }),
    ).rejects.toBeInstanceOf(InvalidTransitionError);
    // A copy that says the move is already made, when it is not: the move is made.
    const copy = { ...proposal, status: 'VALIDATING' as const, reason: 'Passed' };
    await proposals.transition(proposal.id, 'VALIDATING', 'Passed', { from: ['VALIDATING'], current: copy });
    expect((await proposals.history(proposal.id)).map((h) => h.note)).toEqual([
      'Upload received',
      'Checking',
      'Passed',
    ]);
  });

  it("keeps one line per task note when a proposal's tasks write at once, the proposal item untouched", async () => {
    const proposals = store(() => new Date());
    const { id } = (await proposals.register(upload())).proposal;
    const inReview = await proposals.transition(id, 'IN_REVIEW', 'Reviewers assigned');

    await Promise.all(
      ['rev-1', 'rev-2', 'rev-3'].map((r) => proposals.taskNote(inReview, r, `Review task sent to ${r}`)),
    );

    expect(await proposals.get(id)).toMatchObject({
      status: 'IN_REVIEW',
      seq: 2,
      reason: 'Reviewers assigned',
    });
    const lines = await proposals.history(id);
    expect(
      lines
        .slice(2)
        .map((h) => [h.status, h.note])
        .sort(),
    ).toEqual([
      ['IN_REVIEW', 'Review task sent to rev-1'],
      ['IN_REVIEW', 'Review task sent to rev-2'],
      ['IN_REVIEW', 'Review task sent to rev-3'],
    ]);
  });

  it("writes a notice's line after the moves before it, the proposal item untouched", async () => {
    const proposals = store(ticking());
    const { id } = (await proposals.register(upload())).proposal;
    const validating = await proposals.transition(id, 'VALIDATING', 'Checking');

    await proposals.noticeNote(
      validating,
      'received:submitter',
      'Submitter told the proposal passed the check',
    );
    await proposals.transition(id, 'ASSIGNING', 'Choosing reviewers');

    expect(await proposals.get(id)).toMatchObject({ status: 'ASSIGNING', seq: 3 });
    expect((await proposals.history(id)).map((h) => [h.status, h.note])).toEqual([
      ['RECEIVED', 'Upload received'],
      ['VALIDATING', 'Checking'],
      ['VALIDATING', 'Submitter told the proposal passed the check'],
      ['ASSIGNING', 'Choosing reviewers'],
    ]);
  });
});

describe('history notes', () => {
  it('adds a line and keeps the status and reason the proposal has', async () => {
    const proposals = store();
    const { id } = (await proposals.register(upload())).proposal;
    await proposals.transition(id, 'REVIEWED', 'All reviews in');

    await proposals.note(id, 'Submitter notified of the result');

    expect(await proposals.get(id)).toMatchObject({ status: 'REVIEWED', reason: 'All reviews in', seq: 3 });
    expect((await proposals.history(id)).at(-1)).toEqual({
      at: '2025-07-01T02:00:02.000Z',
      status: 'REVIEWED',
      note: 'Submitter notified of the result',
    });
    expect((await proposals.list('REVIEWED')).map((p) => p.id)).toContain(id);
    expect((await proposals.list('RECEIVED')).map((p) => p.id)).not.toContain(id);
  });

  it('never moves a proposal back when a note races its last move', async () => {
    for (let round = 0; round < 4; round++) {
      const { id } = (await store().register(upload())).proposal;
      await store().transition(id, 'IN_REVIEW', 'Reviewers assigned');

      await Promise.all([
        store(() => new Date()).note(id, 'rev-3 accepted the review task'),
        store(() => new Date()).transition(id, 'REVIEWED', 'All reviews in', { from: ['IN_REVIEW'] }),
      ]);

      expect((await store().get(id))?.status).toBe('REVIEWED');
      expect(await events(id)).toHaveLength(4);
    }
  });

  it('writes the same note twice when it happens twice', async () => {
    const proposals = store();
    const { id } = (await proposals.register(upload())).proposal;

    await proposals.note(id, 'Reminder sent to rev-4');
    await proposals.note(id, 'Reminder sent to rev-4');

    expect((await proposals.history(id)).map((h) => h.note)).toEqual([
      'Upload received',
      'Reminder sent to rev-4',
      'Reminder sent to rev-4',
    ]);
  });
});

describe('notification claims', () => {
  it('gives the right to send a notification once, and again after it is released', async () => {
    const proposals = store();
    const { id } = (await proposals.register(upload())).proposal;

    expect(await proposals.claimNotification(id, 'result:submitter')).toBe(true);
    expect(await proposals.claimNotification(id, 'result:submitter')).toBe(false);
    expect(await proposals.claimNotification(id, 'result:agency')).toBe(true);

    await proposals.releaseNotification(id, 'result:submitter');

    expect(await proposals.claimNotification(id, 'result:submitter')).toBe(true);
    expect(await proposals.claimNotification(id, 'result:submitter')).toBe(false);
    expect(await proposals.claimNotification(id, 'result:agency')).toBe(false);
  });

  it('gives the right to one of two senders claiming at once', async () => {
    const { id } = (await store().register(upload())).proposal;

    const claims = await Promise.all([
      store().claimNotification(id, 'received:submitter'),
      store().claimNotification(id, 'received:submitter'),
    ]);

    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('claims and reads the proposal in one write, and reads it when the claim is held', async () => {
    const proposals = store();
    const { proposal } = await proposals.register(upload());

    const first = await proposals.claimNotificationReading(proposal.id, 'received:submitter');
    const again = await proposals.claimNotificationReading(proposal.id, 'received:submitter');

    expect(first.claimed).toBe(true);
    expect(again.claimed).toBe(false);
    for (const { proposal: read } of [first, again]) {
      expect(read).toMatchObject({ ...proposal, 'notified:received:submitter': expect.any(String) });
      expect(Object.keys(read)).not.toContain('PK');
    }
    await expect(proposals.claimNotificationReading('missing', 'received:submitter')).rejects.toThrow(
      'Proposal missing does not exist',
    );
  });

  it('leaves the status and history alone', async () => {
    const proposals = store();
    const { proposal } = await proposals.register(upload());

    await proposals.claimNotification(proposal.id, 'result:submitter');

    expect(await proposals.get(proposal.id)).toMatchObject({ status: 'RECEIVED', seq: 1 });
    expect(await proposals.history(proposal.id)).toHaveLength(1);
  });
});

describe('listing and viewing proposals', () => {
  it('lists the proposals in one status, oldest first', async () => {
    const uploads = [upload(), upload(), upload()];
    // Registered out of order: the listing sorts by when each upload arrived.
    await store(() => new Date('2025-07-03T00:00:00.000Z')).register(uploads[2]!);
    await store(() => new Date('2025-07-01T00:00:00.000Z')).register(uploads[0]!);
    await store(() => new Date('2025-07-02T00:00:00.000Z')).register(uploads[1]!);
    const ours = uploads.map((u) => u.id);
    await store().transition(uploads[1]!.id, 'VALIDATING', 'Validation started');

    const received = (await store().list('RECEIVED')).filter((p) => ours.includes(p.id));
    expect(received.map((p) => p.id)).toEqual([uploads[0]!.id, uploads[2]!.id]);
    expect(received[0]).not.toHaveProperty('PK');
    expect(received[0]).not.toHaveProperty('GSI2PK');

    const everything = (await store().list()).filter((p) => ours.includes(p.id));
    expect(everything.map((p) => [p.id, p.status])).toEqual([
      [uploads[0]!.id, 'RECEIVED'],
      [uploads[1]!.id, 'VALIDATING'],
      [uploads[2]!.id, 'RECEIVED'],
    ]);
  });

  it('shows a proposal with its reviews and its history in order', async () => {
    const proposals = store();
    const { id } = (await proposals.register(upload())).proposal;
    await proposals.transition(id, 'VALIDATING', 'Validation started');
    await proposals.transition(id, 'ASSIGNING', 'Eligible', {
      fields: { title: 'SEHATI', category: 'kesehatan' },
    });
    await proposals.transition(id, 'IN_REVIEW', 'Reviewers assigned');

    const reviewerIds = [uniqueId('rev'), uniqueId('rev')];
    await importRoster(
      db.doc,
      db.tableName,
      reviewerIds.map((rid) => ({
        id: rid,
        name: `Dr. ${rid}`,
        email: `${rid}@example.ac.id`,
        institution: 'Universitas Airlangga',
        expertise: ['kesehatan'],
        capacity: 2,
        load: 0,
        language: 'id' as const,
        active: true,
        conflicts: [],
      })),
    );
    const tasks: ReviewTask[] = reviewerIds.map((reviewerId) => ({
      proposalId: id,
      reviewerId,
      reviewId: newReviewId(),
      status: 'PENDING',
      attempt: 1,
      assignedAt: '2025-07-01T02:00:04.000Z',
      dueAt: '2025-07-15T02:00:04.000Z',
    }));
    for (const task of tasks) await assignmentPorts(db.doc, db.tableName).reserve(task, newStats());
    await releaseReviewer(db.doc, db.tableName, id, reviewerIds[1]!, 'DECLINED', {
      at: new Date('2025-07-02T09:00:00.000Z'),
      note: { text: `${reviewerIds[1]} declined the review task`, proposalStatus: 'IN_REVIEW' },
    });

    const view = await proposals.view(id);

    expect(view).toMatchObject({ id, status: 'IN_REVIEW', title: 'SEHATI', category: 'kesehatan', seq: 4 });
    expect(view).not.toHaveProperty('PK');
    expect(view).not.toHaveProperty('GSI2PK');
    expect(view?.reviews.map((r) => [r.reviewerId, r.status])).toEqual([
      [reviewerIds[0], 'PENDING'],
      [reviewerIds[1], 'DECLINED'],
    ]);
    expect(view?.reviews[0]).toEqual(tasks[0]);
    expect(view?.history).toEqual([
      { at: '2025-07-01T02:00:00.000Z', status: 'RECEIVED', note: 'Upload received' },
      { at: '2025-07-01T02:00:01.000Z', status: 'VALIDATING', note: 'Validation started' },
      { at: '2025-07-01T02:00:02.000Z', status: 'ASSIGNING', note: 'Eligible' },
      { at: '2025-07-01T02:00:03.000Z', status: 'IN_REVIEW', note: 'Reviewers assigned' },
      {
        at: '2025-07-02T09:00:00.000Z',
        status: 'IN_REVIEW',
        note: `${reviewerIds[1]} declined the review task`,
      },
    ]);
    expect(await proposals.history(id)).toEqual(view?.history);
    expect(await proposals.reviews(id)).toEqual(view?.reviews);
  });

  it('shows nothing for an unknown proposal', async () => {
    expect(await store().view(uniqueId('missing'))).toBeUndefined();
    expect(await store().get(uniqueId('missing'))).toBeUndefined();
  });
});
