import { describe, expect, it } from 'vitest';
import { type BurstReport, runBurst } from '../../bench/burst';

/**
 * A deadline-day burst of 200 proposals on the local runtime (about 1.5 minutes on a 2-core machine, boot
 * included): duplicates and shuffled arrival must not register, start or email anything twice, and no reviewer
 * may be given more than their capacity.
 */
describe('a deadline-day burst of 200 uploads', () => {
  let report: BurstReport;

  it('registers each upload once and leaves every proposal rejected or with its reviewers', async () => {
    const lines: string[] = [];
    report = await runBurst({ size: 200, completeReviews: 2, progress: (line) => lines.push(line) });
    expect(report.duplicatesDelivered).toBe(40);
    expect(report.registered).toBe(report.distinctUploads);
    expect(report.executionsStarted).toBe(report.registered);
    expect(report.statuses.RECEIVED ?? 0).toBe(0);
    expect(report.statuses.VALIDATING ?? 0).toBe(0);
    expect(report.statuses.ASSIGNING ?? 0).toBe(0);
    expect(report.statuses.REJECTED).toBe(report.expected.invalid + report.expected.overQuota);
    expect(report.statuses.REVIEWED).toBe(2);
    expect(lines.some((line) => line.includes('uploaded'))).toBe(true);
  }, 900_000);

  it('emails each assigned reviewer exactly once and keeps every reviewer within capacity', () => {
    expect(report.reviewEmails).toBe(report.reviewTasks);
    expect(report.duplicateAssignments).toBe(0);
    expect(report.overCapacity).toBe(0);
    expect(report.loadMismatches).toBe(0);
    expect(report.deadLetters).toBe(0);
    expect(report.invariants.filter((i) => !i.ok)).toEqual([]);
  });
});
