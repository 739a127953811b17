/**
 * The competition-wide rules of a valid proposal (one title per competition, a quota of proposals per
 * institution and group), decided through claims the caller's ports make atomically: two proposals uploaded
 * at the same moment cannot both pass, and a retried validation finds its own claims and counts nothing twice.
 * Pure: the ports do the I/O (functions/lib/adapters/eligibility-claims.ts on DynamoDB).
 */
import type { Profile } from '../profile';
import { eligibilityIssues } from './eligibility';
import type { Issue, ValidationReport } from './types';

/** A title claim: held by this proposal, or by another one (`heldBy`). */
export type TitleClaim = { ok: true } | { ok: false; heldBy: string };

/** A place in an institution's quota: `ok: false` when the quota was full; `used` counts this proposal when ok. */
export interface QuotaClaim {
  ok: boolean;
  used: number;
}

/** What the eligibility check needs of the outside world; titles and institutions are passed as written. */
export interface EligibilityClaims {
  /** Claims the title for the proposal; a claim the proposal already holds is ok again. */
  claimTitle(proposalId: string, title: string): Promise<TitleClaim>;
  /** Takes one place in the institution's quota for the group, at most `quota` places; once per proposal. */
  claimQuota(proposalId: string, institution: string, group: string, quota: number): Promise<QuotaClaim>;
  /** Frees the title if this proposal holds it; `false` when it did not (nothing changes then). */
  releaseTitle(proposalId: string, title: string): Promise<boolean>;
}

/** The report with the eligibility issues added and its verdict recomputed (unchanged when there are none). */
function withEligibility(report: ValidationReport, issues: Issue[]): ValidationReport {
  if (issues.length === 0) return report;
  const all = [...report.issues, ...issues];
  return { ...report, issues: all, valid: !all.some((issue) => issue.severity === 'error') };
}

/**
 * Checks a valid report against the competition-wide rules, claiming the title (unless the profile allows
 * duplicate titles) and then a place in the institution's quota. A proposal refused for its title takes no
 * place in the quota; a proposal refused by the quota frees the title it claimed, for a corrected upload.
 * A report without a title, an institution or a known group is returned unchanged.
 */
export async function checkEligibility(
  proposalId: string,
  report: ValidationReport,
  profile: Profile,
  claims: EligibilityClaims,
): Promise<ValidationReport> {
  const title = report.identity.title;
  const institution = report.identity.institution;
  const group = profile.groups.find((g) => g.id === report.group);
  if (!title || !institution || !group) return report;
  const rule = profile.eligibility.duplicateTitles;
  const titleHeld: TitleClaim = rule === 'allow' ? { ok: true } : await claims.claimTitle(proposalId, title);
  const sameTitleCount = titleHeld.ok ? 0 : 1;
  if (!titleHeld.ok && rule === 'error') {
    // Refused for its title: it takes no place in the institution's quota.
    return withEligibility(
      report,
      eligibilityIssues({ sameTitleCount, institutionGroupCount: 0 }, report, profile),
    );
  }
  const quota = await claims.claimQuota(proposalId, institution, group.id, group.quotaPerInstitution);
  let institutionGroupCount: number;
  if (quota.ok) {
    institutionGroupCount = quota.used - 1;
  } else {
    institutionGroupCount = quota.used;
    // The proposal will not enter: free its title for a corrected upload.
    if (titleHeld.ok && rule !== 'allow') await claims.releaseTitle(proposalId, title);
  }
  return withEligibility(
    report,
    eligibilityIssues({ sameTitleCount, institutionGroupCount }, report, profile),
  );
}
