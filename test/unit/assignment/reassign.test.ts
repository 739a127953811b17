import { describe, expect, it } from 'vitest';
import { planReassignment } from '../../../functions/lib/assignment/reassign';

const profile = { review: { maxReassignments: 2 } };
const tasks = (...ids: string[]) => ids.map((reviewerId) => ({ reviewerId }));

describe('the reassignment policy', () => {
  it('offers the alternates in rank order, never one who held a task on the proposal', () => {
    const plan = planReassignment(
      { tasks: tasks('a', 'b', 'c'), alternates: ['b', 'd', 'e'], reviewersNeeded: 3, leaving: 'a' },
      profile,
    );
    expect(plan).toMatchObject({ candidates: ['d', 'e'], attempt: 2 });
  });

  it('counts replacements already made and stops at the profile limit', () => {
    const second = planReassignment(
      { tasks: tasks('a', 'b', 'c', 'd'), alternates: ['e', 'f'], reviewersNeeded: 3, leaving: 'd' },
      profile,
    );
    expect(second).toMatchObject({ candidates: ['e', 'f'], attempt: 3 });
    const beyond = planReassignment(
      { tasks: tasks('a', 'b', 'c', 'd', 'e'), alternates: ['f'], reviewersNeeded: 3, leaving: 'e' },
      profile,
    );
    expect(beyond.candidates).toEqual([]);
    expect(beyond.gap.en).toBe('No replacement reviewer for e (reassignment limit 2)');
    expect(beyond.gap.id).toContain('batas penggantian 2');
  });
});

describe('a seat moved by a batch re-plan', () => {
  it('offers the planned reviewer first and does not count the move as a replacement', () => {
    const plan = planReassignment(
      {
        tasks: [
          { reviewerId: 'a', status: 'REASSIGNED', movedTo: 'd' },
          { reviewerId: 'b', status: 'DECLINED' },
          { reviewerId: 'c', status: 'ACCEPTED' },
          { reviewerId: 'd', status: 'PENDING' },
          { reviewerId: 'f', status: 'PENDING' },
        ],
        alternates: ['b', 'g', 'h'],
        reviewersNeeded: 3,
        leaving: 'a',
        movedTo: 'd',
      },
      profile,
    );
    // One replacement made before (b declined, f took the seat): still under the limit of 2.
    expect(plan).toMatchObject({ candidates: ['d', 'g', 'h'], attempt: 3 });
  });

  it('still stops the alternates at the limit, while the planned reviewer keeps the seat', () => {
    const plan = planReassignment(
      {
        tasks: [
          ...tasks('b', 'c', 'x', 'y', 'z'),
          { reviewerId: 'a', status: 'REASSIGNED', movedTo: 'd' },
          { reviewerId: 'd' },
        ],
        alternates: ['g'],
        reviewersNeeded: 3,
        leaving: 'a',
        movedTo: 'd',
      },
      profile,
    );
    expect(plan.candidates).toEqual(['d']);
  });
});
