/**
 * Eligibility rules that need more than the document: the Instansi belongs to the uploading agency (per the
 * agency registry), duplicate titles and the quota per agency (or per institution, where no registry is kept)
 * and group.
 */
import type { Agency } from '../agencies/schema';
import { normalizeName } from '../model';
import type { Profile } from '../profile';
import { issue } from './messages';
import type { Issue, ValidationReport } from './types';

export interface EligibilityCounts {
  /** Other proposals with the same normalized title (excluding this one). */
  sameTitleCount: number;
  /** Other proposals of the same agency (or institution) in the same group (excluding this one). */
  institutionGroupCount: number;
}

export function eligibilityIssues(
  counts: EligibilityCounts,
  report: ValidationReport,
  profile: Profile,
  /** Whose quota is full, as the message names it: the agency, or the Instansi where no registry is kept. */
  holder: string = report.identity.institution ?? '?',
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
        institution: holder,
        quota: group.quotaPerInstitution,
      }),
    );
  }
  return issues;
}

/** The agency facts the ownership rule reads (a registry `Agency` is assignable). */
export type AgencyIdentity = Pick<
  Agency,
  'code' | 'name' | 'parent' | 'kind' | 'province' | 'regency' | 'aliases'
>;

/**
 * Whether an Instansi as written names the agency: its registered name, one of its aliases or its parent
 * government, compared without case, accents or punctuation. An agency that is a regional government itself
 * (its name is its parent's) also owns its offices, named after its region: "Dinas Kesehatan Kota Surabaya"
 * belongs to "Pemerintah Kota Surabaya" (regency "Kota Surabaya"), "Dinas Kesehatan Provinsi Jawa Timur" to
 * "Pemerintah Provinsi Jawa Timur". The region must end the Instansi, so "… Kabupaten Bandung Barat" does not
 * belong to Kabupaten Bandung.
 */
export function institutionBelongs(institution: string, agency: AgencyIdentity): boolean {
  const written = normalizeName(institution);
  if (!written) return false;
  const names = [agency.name, agency.parent, ...(agency.aliases ?? [])].map(normalizeName);
  if (names.includes(written)) return true;
  if (normalizeName(agency.name) !== normalizeName(agency.parent)) return false;
  const region =
    agency.kind === 'regency' || agency.kind === 'city'
      ? agency.regency
      : agency.kind === 'province'
        ? `Provinsi ${agency.province}`
        : undefined;
  if (!region) return false;
  const suffix = normalizeName(region);
  return suffix.length > 0 && written.endsWith(` ${suffix}`);
}

/**
 * The issue of an Instansi that is not the uploading agency's (`registered`), or of an upload from an agency
 * the registry does not hold while the registry is kept (`registered` undefined); none when it belongs.
 */
export function agencyIssues(
  report: ValidationReport,
  agencyCode: string,
  registered: AgencyIdentity | undefined,
): Issue[] {
  if (!registered) return [issue('AGENCY_NOT_REGISTERED', { agency: agencyCode })];
  const institution = report.identity.institution ?? '';
  if (institutionBelongs(institution, registered)) return [];
  const known = [registered.name, ...(registered.aliases ?? [])].map((n) => `"${n}"`).join(', ');
  return [
    issue('INSTITUTION_NOT_OF_AGENCY', {
      institution: institution.slice(0, 120),
      agency: agencyCode,
      name: registered.name,
      known,
    }),
  ];
}
