import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mem } from './memory';
import {
  lambdaContext,
  PROPOSAL_ID,
  proposal,
  restoreHandlerEnv,
  reviewer,
  roster,
  stubHandlerEnv,
  task,
} from './support';

vi.mock('../../../functions/lib/adapters/aws/dynamodb', () => import('./memory').then((m) => m.dynamoClient));
vi.mock('../../../functions/lib/adapters/proposals', () => import('./memory').then((m) => m.proposals));
vi.mock('../../../functions/lib/adapters/review-tasks', () => import('./memory').then((m) => m.reviewTasks));

let handler: typeof import('../../../functions/assign').handler;

beforeAll(async () => {
  stubHandlerEnv();
  ({ handler } = await import('../../../functions/assign'));
});
afterAll(restoreHandlerEnv);
beforeEach(() => {
  mem.reset();
  // A validated Kesehatan proposal of Dinas Kesehatan Kota Surabaya, submitted by budi.santoso@example.go.id.
  mem.seedProposal(proposal({ status: 'VALIDATING', reason: 'Valid', seq: 3, reviewersNeeded: undefined }));
});

const seedRoster = (ids: string[]) => mem.seedReviewer(...ids.map((id) => reviewer(id)));
const loadOf = (id: string) => mem.reviewer(id)?.load;

describe('assigning reviewers', () => {
  it('moves a proposal with enough eligible reviewers to IN_REVIEW and returns the tasks to send', async () => {
    seedRoster(roster.map((r) => r.id));
    const result = await handler({ proposalId: PROPOSAL_ID }, lambdaContext('assign'));

    expect(result.complete).toBe(true);
    expect(result.missing).toBe(0);
    expect(result.tasks).toHaveLength(3);
    const chosen = result.tasks.map((t) => t.reviewerId);
    expect(result.tasks.every((t) => t.proposalId === PROPOSAL_ID)).toBe(true);
    // Conflicts of interest are never chosen: same institution, declared conflict, the submitter's own email.
    expect(chosen).not.toContain('r-unair');
    expect(chosen).not.toContain('r-declared');
    expect(chosen).not.toContain('r-submitter');
    expect(chosen).not.toContain('r-inactive');
    expect(chosen).not.toContain('r-full');
    expect(chosen).toContain('r-health-free');

    const stored = mem.proposal(PROPOSAL_ID);
    expect(stored.status).toBe('IN_REVIEW');
    expect(stored.reviewersNeeded).toBe(3);
    expect(stored.alternates?.length).toBeGreaterThan(0);
    expect(stored.alternates).not.toContain(chosen[0]);
    for (const id of chosen) {
      expect(mem.task(PROPOSAL_ID, id)).toMatchObject({ status: 'PENDING', attempt: 1 });
      expect(loadOf(id)).toBe((roster.find((r) => r.id === id)?.load ?? 0) + 1);
    }
    expect(mem.history(PROPOSAL_ID).map((h) => h.status)).toEqual(['ASSIGNING', 'IN_REVIEW']);
  });

  it('gives each seat what its email needs and each task to send the status it is handed out under', async () => {
    seedRoster(roster.map((r) => r.id));
    const result = await handler({ proposalId: PROPOSAL_ID }, lambdaContext('assign'));

    expect(result.tasks.map((t) => t.proposalStatus)).toEqual(['IN_REVIEW', 'IN_REVIEW', 'IN_REVIEW']);
    const stored = mem.proposal(PROPOSAL_ID);
    for (const { reviewerId } of result.tasks) {
      const chosen = mem.reviewer(reviewerId)!;
      expect(mem.tasks.get(`${PROPOSAL_ID}|${reviewerId}`)?.invitation).toEqual({
        proposal: {
          title: stored.title,
          institution: stored.institution,
          category: stored.category,
          group: stored.group,
        },
        reviewer: { name: chosen.name, email: chosen.email, language: chosen.language },
      });
    }
  });

  it('reserves nothing twice when the assignment is retried', async () => {
    seedRoster(roster.map((r) => r.id));
    const first = await handler({ proposalId: PROPOSAL_ID }, lambdaContext('assign'));
    const loads = roster.map((r) => loadOf(r.id));
    const again = await handler({ proposalId: PROPOSAL_ID }, lambdaContext('assign'));

    expect(again.complete).toBe(true);
    expect(new Set(again.tasks.map((t) => t.reviewerId))).toEqual(
      new Set(first.tasks.map((t) => t.reviewerId)),
    );
    expect(roster.map((r) => loadOf(r.id))).toEqual(loads);
  });

  it('on a second round sends only the seats never handed to a reviewer, not the tasks already waiting', async () => {
    seedRoster(roster.map((r) => r.id));
    // Round one: r-health-free's task was sent (token stored) and waits; r-health-busy submitted; r-edu-half declined.
    mem.seedProposal(proposal({ status: 'IN_REVIEW', reviewersNeeded: 3 }));
    mem.seedTask(
      task('r-health-free', { status: 'PENDING', token: 'token-waiting-in-the-map' }),
      task('r-health-busy', { status: 'SUBMITTED', score: 80 }),
      task('r-edu-half', { status: 'DECLINED' }),
    );
    const result = await handler({ proposalId: PROPOSAL_ID }, lambdaContext('assign'));

    expect(result.complete).toBe(true);
    const sent = result.tasks.map((t) => t.reviewerId);
    // Sending r-health-free again would email a second link and orphan the token the first branch waits on.
    expect(sent).not.toContain('r-health-free');
    expect(sent).not.toContain('r-health-busy');
    expect(sent).toHaveLength(1);
    expect(mem.task(PROPOSAL_ID, sent[0] ?? '')).toMatchObject({ status: 'PENDING' });
  });

  it('moves a proposal short of reviewers to NEEDS_REVIEWERS and says what is missing in both languages', async () => {
    // Two eligible reviewers for three seats; the others are conflicted, inactive or full.
    seedRoster([
      'r-health-free',
      'r-gov-free',
      'r-unair',
      'r-declared',
      'r-submitter',
      'r-inactive',
      'r-full',
    ]);
    const result = await handler({ proposalId: PROPOSAL_ID }, lambdaContext('assign'));

    expect(result.complete).toBe(false);
    expect(result.missing).toBe(1);
    expect(result.tasks.map((t) => t.reviewerId).sort()).toEqual(['r-gov-free', 'r-health-free']);
    expect(result.gap?.id).toBeTruthy();
    expect(result.gap?.en).toBeTruthy();
    expect(result.gap?.id).not.toBe(result.gap?.en);
    const stored = mem.proposal(PROPOSAL_ID);
    expect(stored.status).toBe('NEEDS_REVIEWERS');
    expect(stored.reason).toBe(result.gap?.en);
  });

  it('refuses an input without a proposal id with a BadInputError', async () => {
    await expect(handler({ id: PROPOSAL_ID }, lambdaContext('assign'))).rejects.toMatchObject({
      name: 'BadInputError',
    });
    expect(mem.proposal(PROPOSAL_ID).status).toBe('VALIDATING');
  });

  it('refuses a proposal that has no category with a BadInputError and reserves no one', async () => {
    mem.seedProposal(proposal({ status: 'VALIDATING', category: undefined }));
    seedRoster(roster.map((r) => r.id));

    await expect(handler({ proposalId: PROPOSAL_ID }, lambdaContext('assign'))).rejects.toMatchObject({
      name: 'BadInputError',
    });
    expect(mem.tasksOf(PROPOSAL_ID)).toEqual([]);
    expect(roster.map((r) => loadOf(r.id))).toEqual(roster.map((r) => r.load));
  });

  it('refuses to assign a rejected proposal', async () => {
    mem.seedProposal(proposal({ status: 'REJECTED' }));
    seedRoster(roster.map((r) => r.id));

    await expect(handler({ proposalId: PROPOSAL_ID }, lambdaContext('assign'))).rejects.toMatchObject({
      name: 'InvalidTransitionError',
    });
  });
});
