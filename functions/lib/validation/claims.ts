/**
 * The competition-wide rules of a valid proposal (one title per agency, a quota of proposals per agency and
 * group, an Instansi that is the uploading agency's), decided through claims the caller's ports make atomically:
 * two proposals uploaded at the same moment cannot both pass, and a retried validation finds its own claims and
 * counts nothing twice. Pure: the ports do the I/O (functions/lib/adapters/eligibility-claims.ts on DynamoDB).
 *
 * Claims count against the uploading agency (the `<agency>` of incoming/<agency>/<file>), never against the
 * free-text Instansi, so no upload can fill another agency's quota or take its titles. A deployment that keeps
 * no agency registry counts as before: per Instansi as written, titles competition-wide.
 */
import type { Agency } from '../agencies/schema';
import type { Profile } from '../profile';
import { type AgencyIdentity, agencyIssues, eligibilityIssues } from './eligibility';
import type { Issue, ValidationReport } from './types';

/** A title claim: held by this proposal, or by another one (`heldBy`). */
export type TitleClaim = { ok: true } | { ok: false; heldBy: string };

/**
 * A place in a quota: taken (within the quota, however many others hold one), or refused because the quota was
 * full (`used`: the places the others hold).
 */
export type QuotaClaim = { ok: true } | { ok: false; used: number };

/**
 * Whose quota and titles a proposal counts against: its uploading agency (titles unique within the agency), or,
 * where no agency registry is kept, the Instansi as written (titles unique in the whole competition).
 */
export type ClaimScope = { agency: string } | { institution: string };

/** What the eligibility check needs of the outside world; titles and institutions are passed as written. */
export interface EligibilityClaims {
  /** Claims the title for the proposal within the scope; a claim the proposal already holds is ok again. */
  claimTitle(proposalId: string, scope: ClaimScope, title: string): Promise<TitleClaim>;
  /** Takes one place in the scope's quota for the group, at most `quota` places; once per proposal. */
  claimQuota(proposalId: string, scope: ClaimScope, group: string, quota: number): Promise<QuotaClaim>;
  /** Frees the title if this proposal holds it; `false` when it did not (nothing changes then). */
  releaseTitle(proposalId: string, scope: ClaimScope, title: string): Promise<boolean>;
}

/** Who uploaded the proposal, as the agency registry knows it. */
export interface Submitter {
  /** The uploading agency's code: the `<agency>` folder of the upload key. */
  agency: string;
  /** Its registry entry; undefined when the registry does not hold it. */
  registered?: Agency | AgencyIdentity;
  /** Whether the registry holds any agency at all (false in deployments that never imported one). */
  registryInUse: boolean;
}

/** The report with the eligibility issues added and its verdict recomputed (unchanged when there are none). */
/**
 * A draft's report with the agency rule applied (what the pipeline would add before any claim): the portal's
 * check shows it too. A report that already fails, or has no Instansi, is returned unchanged.
 */
export function withAgencyCheck(
  report: ValidationReport,
  agencyCode: string,
  registered: AgencyIdentity | undefined,
): ValidationReport {
  if (!report.valid || !report.identity.institution) return report;
  return withEligibility(report, agencyIssues(report, agencyCode, registered));
}

function withEligibility(report: ValidationReport, issues: Issue[]): ValidationReport {
  if (issues.length === 0) return report;
  const all = [...report.issues, ...issues];
  return { ...report, issues: all, valid: !all.some((issue) => issue.severity === 'error') };
}

/**
 * Checks a valid report against the competition-wide rules. With an agency registry, an upload from an agency
 * it does not hold, or naming an Instansi that is not the uploading agency's, is refused before anything is
 * claimed. Then the title is claimed (unless the profile allows duplicate titles) and a place in the quota.
 * A proposal refused for its title takes no place in the quota; a proposal refused by the quota frees the title
 * it claimed, for a corrected upload. A report without a title, an institution or a known group is returned
 * unchanged.
 */
export async function checkEligibility(
  proposalId: string,
  report: ValidationReport,
  profile: Profile,
  claims: EligibilityClaims,
  submitter: Submitter,
): Promise<ValidationReport> {
  const title = report.identity.title;
  const institution = report.identity.institution;
  const group = profile.groups.find((g) => g.id === report.group);
  if (!title || !institution || !group) return report;
  let scope: ClaimScope;
  let holder = institution;
  if (submitter.registryInUse || submitter.registered) {
    const refused = agencyIssues(report, submitter.agency, submitter.registered);
    if (refused.length > 0) return withEligibility(report, refused);
    scope = { agency: submitter.agency };
    holder = `${submitter.registered?.name ?? institution} (${submitter.agency})`;
  } else {
    scope = { institution };
  }
  const rule = profile.eligibility.duplicateTitles;
  const titleHeld: TitleClaim =
    rule === 'allow' ? { ok: true } : await claims.claimTitle(proposalId, scope, title);
  const sameTitleCount = titleHeld.ok ? 0 : 1;
  if (!titleHeld.ok && rule === 'error') {
    // Refused for its title: it takes no place in the quota.
    return withEligibility(
      report,
      eligibilityIssues({ sameTitleCount, institutionGroupCount: 0 }, report, profile, holder),
    );
  }
  const quota = await claims.claimQuota(proposalId, scope, group.id, group.quotaPerInstitution);
  // The proposal will not enter: free its title for a corrected upload.
  if (!quota.ok && titleHeld.ok && rule !== 'allow') await claims.releaseTitle(proposalId, scope, title);
  // A place taken is within the quota by the claim's own condition: the count of the others matters only when
  // it refused one.
  const institutionGroupCount = quota.ok ? 0 : quota.used;
  return withEligibility(
    report,
    eligibilityIssues({ sameTitleCount, institutionGroupCount }, report, profile, holder),
  );
}
