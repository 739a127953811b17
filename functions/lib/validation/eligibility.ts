/** Eligibility rules that need other proposals (duplicate titles, quota per institution and group). */
import type { Profile } from '../profile';
import { issue } from './messages';
import type { Issue, ValidationReport } from './types';

export interface EligibilityCounts {
  /** Other proposals with the same normalized title (excluding this one). */
  sameTitleCount: number;
  /** Other proposals of the same institution in the same group (excluding this one). */
  institutionGroupCount: number;
}

export function eligibilityIssues(
  counts: EligibilityCounts,
  report: ValidationReport,
  profile: Profile,
): Issue[] {
  const issues: Issue[] = [];
  const rule = profile.eligibility.duplicateTitles;
  if (rule !== 'allow' && counts.sameTitleCount > 0) {
    issues.push(issue('DUPLICATE_TITLE', { title: report.identity.title ?? '' }, { severity: rule }));
  }
  const group = profile.groups.find((g) => g.id === report.group);
  if (group && counts.institutionGroupCount >= group.quotaPerInstitution) {
    issues.push(
      issue('QUOTA_EXCEEDED', {
        group: group.name,
        institution: report.identity.institution ?? '?',
        quota: group.quotaPerInstitution,
      }),
    );
  }
  return issues;
}
