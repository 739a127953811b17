/**
 * The reassignment policy: when a reviewer declines or runs out of time, who may take the seat. Pure: the
 * Reassign handler reserves the candidates in order and tells ops when none is left.
 */
import type { Text } from '../i18n';

export interface ReassignmentInput {
  /** Every task the proposal has had (open, answered, declined, timed out, moved by a re-plan). */
  tasks: ReadonlyArray<{ reviewerId: string; status?: string; movedTo?: string }>;
  /** Ranked reviewers kept when the proposal was assigned. */
  alternates: readonly string[];
  /** Seats the proposal needs. */
  reviewersNeeded: number;
  /** The reviewer who left the seat. */
  leaving: string;
  /** A batch re-plan moved the seat: the reviewer it reserved (tried first, not counted as a replacement). */
  movedTo?: string;
}

export interface ReassignmentPlan {
  /** Alternates to try, in rank order (empty when the limit is reached or none is left). */
  candidates: string[];
  /** The attempt number a new task carries (1 for the first assignment of a seat). */
  attempt: number;
  /** Why nobody can take the seat, in both languages, when a replacement fails or none may be tried. */
  gap: Text;
}

/**
 * Replacements already made are the tasks beyond the seats; at most `maxReassignments` of them per proposal.
 * A task a batch re-plan moved (REASSIGNED) is no replacement: its seat was taken by the planned reviewer, whose
 * task is already reserved, so that reviewer comes first. A reviewer who held any task on the proposal (even a
 * declined one) is never asked again.
 */
export function planReassignment(
  input: ReassignmentInput,
  profile: { review: { maxReassignments: number } },
): ReassignmentPlan {
  const limit = profile.review.maxReassignments;
  const moved = input.tasks.filter((task) => task.status === 'REASSIGNED').length;
  const replacements = input.tasks.length - moved - input.reviewersNeeded;
  const held = new Set(input.tasks.map((task) => task.reviewerId));
  const alternates = replacements < limit ? input.alternates.filter((candidate) => !held.has(candidate)) : [];
  const candidates = input.movedTo ? [input.movedTo, ...alternates] : alternates;
  return {
    candidates,
    attempt: Math.max(1, replacements + 2),
    gap: {
      id: `Tidak ada penelaah pengganti untuk ${input.leaving} (batas penggantian ${limit})`,
      en: `No replacement reviewer for ${input.leaving} (reassignment limit ${limit})`,
    },
  };
}
