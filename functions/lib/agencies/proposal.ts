/**
 * What a proposal records of its agency (pure): the registry is the source of truth for where a proposal comes
 * from, not the document's free text. An agency the registry does not hold leaves the fields empty; the
 * proposal goes on as before (the registry is optional until the submitters' portal requires it).
 */
import type { AgencyIdentity } from '../validation/eligibility';
import type { Agency, AgencyKind } from './schema';

/** The agency facts a proposal carries (set at registration; see Proposal in functions/lib/model.ts). */
export interface ProposalAgencyFields {
  /** The agency's registered name (the Instansi check compares the document's with it). */
  agencyName?: string;
  /** Other names the agency goes by (the Instansi check accepts them too). */
  agencyAliases?: string[];
  /** The government (or parent body) the agency belongs to, e.g. "Pemerintah Kota Depok". */
  parentGovernment?: string;
  province?: string;
  /** Regency or city, when the agency has one. */
  regency?: string;
  agencyKind?: AgencyKind;
}

/** The fields a proposal records from its registered agency, or none when the agency is not registered. */
export function proposalAgencyFields(agency: Agency | undefined): ProposalAgencyFields {
  if (!agency) return {};
  return {
    agencyName: agency.name,
    ...(agency.aliases?.length ? { agencyAliases: agency.aliases } : {}),
    parentGovernment: agency.parent,
    province: agency.province,
    ...(agency.regency ? { regency: agency.regency } : {}),
    agencyKind: agency.kind,
  };
}

/**
 * The uploading agency as the registry knew it when the file arrived (recorded at registration), for the
 * Instansi check; undefined when it was not registered then, or was registered before the name was recorded
 * (`agencyKind` without `agencyName`: the caller reads the registry).
 */
export function registeredIdentity(
  proposal: ProposalAgencyFields & { agency: string },
): AgencyIdentity | undefined {
  const { agencyName, parentGovernment, province, agencyKind } = proposal;
  if (!agencyName || !parentGovernment || !province || !agencyKind) return undefined;
  return {
    code: proposal.agency,
    name: agencyName,
    parent: parentGovernment,
    kind: agencyKind,
    province,
    regency: proposal.regency,
    aliases: proposal.agencyAliases,
  };
}

/** The history line of an upload, naming an agency the registry does not hold (no region is recorded). */
export function registrationNote(agencyCode: string, registered: boolean): string {
  return registered
    ? 'Upload received'
    : `Upload received; agency ${agencyCode} is not in the agency registry, so no parent government or region is recorded`;
}
