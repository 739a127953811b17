/** Applying a live re-plan: seat by seat, a full reviewer tried again after other moves, Ctrl-C between proposals. */
import { describe, expect, it } from 'vitest';
import { type ApplyPorts, applyMoves } from '../../../cli/commands/live-plan';
import type { MoveResult } from '../../../functions/lib/assignment';
import type { Proposal } from '../../../functions/lib/model';

const proposal = (id: string, status: Proposal['status'] = 'IN_REVIEW') => ({ id, status }) as Proposal;

/** A fake deployment: reviewers with free seats, tasks by proposal; a move frees `from` and takes `to`. */
function deployment(free: Record<string, number>, answered: string[] = []) {
  const calls: string[] = [];
  const ports: ApplyPorts = {
    async move(p, from, to): Promise<MoveResult> {
      calls.push(`move ${p.id} ${from}->${to}`);
      if (answered.includes(`${p.id} ${from}`)) return { outcome: 'task-changed' };
      if ((free[to] ?? 0) <= 0) {
        return { outcome: 'reviewer-unavailable', reason: { id: `${to} penuh`, en: `${to} is at capacity` } };
      }
      free[to]! -= 1;
      free[from] = (free[from] ?? 0) + 1;
      return { outcome: 'moved', task: {} as never };
    },
    async tell(id, from) {
      calls.push(`tell ${id} ${from}`);
      return 'told';
    },
    async fill(p, reviewers) {
      calls.push(`fill ${p.id} ${reviewers.join(',')}`);
      return reviewers.map((reviewer) => ({ reviewer, reserved: true }));
    },
  };
  return { ports, calls };
}

describe('applying a live re-plan', () => {
  it('moves each seat and tells its execution; a reviewer full until another move frees them is tried again', async () => {
    // p1 moves a -> b, but b is full until p2 moves b -> c.
    const { ports, calls } = deployment({ a: 0, b: 0, c: 1 });
    const report = await applyMoves(
      [
        { proposal: 'p1', release: ['a'], add: ['b'] },
        { proposal: 'p2', release: ['b'], add: ['c'] },
      ],
      new Map([
        ['p1', proposal('p1')],
        ['p2', proposal('p2')],
      ]),
      ports,
    );
    expect(report.stopped).toBe(false);
    expect(report.seats).toEqual([
      { proposal: 'p2', from: 'b', to: 'c', outcome: 'moved', told: 'told' },
      { proposal: 'p1', from: 'a', to: 'b', outcome: 'moved', told: 'told' },
    ]);
    expect(calls).toEqual(['move p1 a->b', 'move p2 b->c', 'tell p2 b', 'move p1 a->b', 'tell p1 a']);
  });

  it('keeps a seat whose reviewer answered meanwhile, reports a reviewer full for good, fills a waiting proposal', async () => {
    const { ports } = deployment({ b: 1, c: 0 }, ['p1 a']);
    const report = await applyMoves(
      [
        { proposal: 'p1', release: ['a'], add: ['b'] },
        { proposal: 'p2', release: ['d'], add: ['c'] },
        { proposal: 'p3', release: [], add: ['b'] },
      ],
      new Map([
        ['p1', proposal('p1')],
        ['p2', proposal('p2')],
        ['p3', proposal('p3', 'NEEDS_REVIEWERS')],
      ]),
      ports,
    );
    expect(report.seats).toEqual([
      {
        proposal: 'p1',
        from: 'a',
        to: 'b',
        outcome: 'not-applied',
        reason: expect.stringMatching(/^a answered .*the seat stays$/),
      },
      { proposal: 'p3', to: 'b', outcome: 'reserved' },
      { proposal: 'p2', from: 'd', to: 'c', outcome: 'not-applied', reason: 'c is at capacity' },
    ]);
  });

  it('stops between proposals on Ctrl-C: the proposal in hand is finished, the next ones untouched', async () => {
    const { ports, calls } = deployment({ b: 5, c: 5 });
    const controller = new AbortController();
    const stopping: ApplyPorts = {
      ...ports,
      async tell(id, from) {
        controller.abort();
        return ports.tell(id, from);
      },
    };
    const report = await applyMoves(
      [
        { proposal: 'p1', release: ['a', 'x'], add: ['b', 'c'] },
        { proposal: 'p2', release: ['d'], add: ['c'] },
      ],
      new Map([
        ['p1', proposal('p1')],
        ['p2', proposal('p2')],
      ]),
      stopping,
      { signal: controller.signal },
    );
    expect(report.stopped).toBe(true);
    expect(report.seats.map((s) => `${s.proposal} ${s.from}->${s.to} ${s.outcome}`)).toEqual([
      'p1 a->b moved',
      'p1 x->c moved',
    ]);
    expect(calls.some((c) => c.includes('p2'))).toBe(false);
  });
});
