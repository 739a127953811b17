/**
 * What the hourly sweep does with one review task at one moment: a pure decision from the task's dates, its
 * status and the profile's reminder schedule. The sweep handler carries it out.
 */
import { DECIDED_REVIEW_STATUSES, type ReviewStatus } from '../model';

const DAY = 86_400_000;

export interface DueTask {
  status: ReviewStatus;
  dueAt: string;
  /** Whether the execution holds a token for the task (it has been handed out and not yet answered). */
  hasToken: boolean;
  /** Reminder markers already sent (`offset:<days>`). */
  remindedAt?: readonly string[];
}

export interface DueSchedule {
  /** Days relative to the due date at which reminders go out (negative: before). */
  reminderOffsetsDays: readonly number[];
  /** Days after the due date before the task times out. */
  graceDays: number;
}

export type DueAction =
  /** A decision (scores, decline, timeout) the execution has not heard of yet. */
  | { kind: 'deliver' }
  /** Past the due date and the grace period: close the task as timed out. */
  | { kind: 'time-out' }
  /** The latest reminder due and not yet sent. */
  | { kind: 'remind'; offsetDays: number; marker: string; when: 'before' | 'overdue' }
  | { kind: 'none' };

/** The marker that records a reminder as sent. */
export const reminderMarker = (offsetDays: number) => `offset:${offsetDays}`;

/** How far ahead of now the sweep must look for tasks whose first reminder is due. */
export function sweepHorizon(now: Date, schedule: DueSchedule): Date {
  const earliest = Math.min(0, ...schedule.reminderOffsetsDays);
  return new Date(now.getTime() - earliest * DAY);
}

/** The one thing to do with `task` at `now`. */
export function dueAction(task: DueTask, now: Date, schedule: DueSchedule): DueAction {
  if (task.hasToken && DECIDED_REVIEW_STATUSES.includes(task.status)) return { kind: 'deliver' };
  // Not open, or not handed out yet (no token): nothing to remind about or time out.
  if ((task.status !== 'PENDING' && task.status !== 'ACCEPTED') || !task.hasToken) return { kind: 'none' };
  const due = new Date(task.dueAt).getTime();
  if (now.getTime() > due + schedule.graceDays * DAY) return { kind: 'time-out' };
  const reached = schedule.reminderOffsetsDays.filter((offset) => now.getTime() >= due + offset * DAY);
  if (reached.length === 0) return { kind: 'none' };
  const latest = Math.max(...reached);
  const marker = reminderMarker(latest);
  if (task.remindedAt?.includes(marker)) return { kind: 'none' };
  return { kind: 'remind', offsetDays: latest, marker, when: latest < 0 ? 'before' : 'overdue' };
}
