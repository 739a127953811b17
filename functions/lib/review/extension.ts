/**
 * How far ops may move a review task's due date (`proposals extend`): by whole days, and in all at most the
 * profile's `review.maxExtensionDays` past the due date the task got at assignment (assignment + review window).
 * The Step Functions safety net on each task is sized from the same numbers (window + maximum extension + grace,
 * see infra/stateless-stack.ts), so the state machine never ends an extended task before the sweep would.
 */

const DAY_MS = 86_400_000;

export interface ExtensionRules {
  windowDays: number;
  maxExtensionDays: number;
}

export interface ExtendableTask {
  assignedAt: string;
  dueAt: string;
}

export type Extension =
  | { ok: true; dueAt: Date; latest: Date }
  | { ok: false; reason: string; latest?: Date };

/** The latest a task assigned at `assignedAt` may ever be due. */
export function latestDueDate(assignedAt: Date, review: ExtensionRules): Date {
  return new Date(assignedAt.getTime() + (review.windowDays + review.maxExtensionDays) * DAY_MS);
}

/** The task's new due date after `days` more days, or why that extension is not allowed. */
export function extendDueDate(task: ExtendableTask, days: number, review: ExtensionRules): Extension {
  const max = review.maxExtensionDays;
  if (!Number.isInteger(days) || days < 1 || days > max) {
    return {
      ok: false,
      reason: `an extension is a whole number of days from 1 to ${max} (the profile's review.maxExtensionDays)`,
    };
  }
  const assignedAt = new Date(task.assignedAt);
  const due = new Date(task.dueAt).getTime();
  if (Number.isNaN(assignedAt.getTime()) || Number.isNaN(due)) {
    return { ok: false, reason: 'the task has no valid assignment or due date' };
  }
  const latest = latestDueDate(assignedAt, review);
  const dueAt = new Date(due + days * DAY_MS);
  if (dueAt.getTime() > latest.getTime()) {
    const left = Math.floor((latest.getTime() - due) / DAY_MS);
    return {
      ok: false,
      latest,
      reason:
        `a task may be due at most ${max} day(s) after its first due date, here ${latest.toISOString()}; ` +
        (left > 0
          ? `this one can be extended by ${left} more day(s)`
          : 'this one cannot be extended further'),
    };
  }
  return { ok: true, dueAt, latest };
}
