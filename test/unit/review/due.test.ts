import { describe, expect, it } from 'vitest';
import { dueAction, sweepHorizon } from '../../../functions/lib/review/due';

const DAY = 86_400_000;
const DUE = '2025-07-15T00:00:00.000Z';
const schedule = { reminderOffsetsDays: [-3, 1], graceDays: 2 };
const at = (days: number) => new Date(Date.parse(DUE) + days * DAY);
const open = { status: 'PENDING' as const, dueAt: DUE, hasToken: true };

describe("the sweep's decision for one task", () => {
  it('does nothing before the first reminder is due', () => {
    expect(dueAction(open, at(-4), schedule)).toEqual({ kind: 'none' });
  });

  it('reminds 3 days before the due date, once', () => {
    expect(dueAction(open, at(-2), schedule)).toEqual({
      kind: 'remind',
      offsetDays: -3,
      marker: 'offset:-3',
      when: 'before',
    });
    expect(dueAction({ ...open, remindedAt: ['offset:-3'] }, at(-2), schedule)).toEqual({ kind: 'none' });
  });

  it('sends only the latest reminder reached, not every missed one', () => {
    expect(dueAction(open, at(1.5), schedule)).toMatchObject({
      kind: 'remind',
      offsetDays: 1,
      when: 'overdue',
    });
  });

  it('times out a task past its due date and grace period, and not a moment before', () => {
    expect(dueAction(open, at(2), schedule).kind).toBe('remind');
    expect(dueAction(open, at(2.01), schedule)).toEqual({ kind: 'time-out' });
    expect(dueAction({ ...open, status: 'ACCEPTED' }, at(2.01), schedule)).toEqual({ kind: 'time-out' });
  });

  it('leaves alone a task the execution has not handed out (no token)', () => {
    expect(dueAction({ ...open, hasToken: false }, at(5), schedule)).toEqual({ kind: 'none' });
  });

  it('delivers every decision the execution has not heard of, and nothing once it has', () => {
    // REASSIGNED: a seat a batch re-plan moved, whose execution the CLI could not tell.
    for (const status of ['SUBMITTED', 'DECLINED', 'TIMED_OUT', 'REASSIGNED'] as const) {
      expect(dueAction({ ...open, status }, at(-10), schedule)).toEqual({ kind: 'deliver' });
      expect(dueAction({ ...open, status, hasToken: false }, at(-10), schedule)).toEqual({ kind: 'none' });
    }
  });

  it('looks ahead as far as the earliest reminder', () => {
    expect(sweepHorizon(at(0), schedule).toISOString()).toBe(at(3).toISOString());
    expect(sweepHorizon(at(0), { reminderOffsetsDays: [1], graceDays: 2 }).toISOString()).toBe(DUE);
  });
});
