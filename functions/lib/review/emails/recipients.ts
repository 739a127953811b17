/**
 * Who a submitter's notices (received, rejected, result) go to. The agency registry is the source of truth for
 * who speaks for an agency: when it holds the uploading agency, its registered contacts get the notices and an
 * Email the document names gets nothing (anyone can write any address into a document). Only an agency the
 * registry does not hold (a deployment that keeps no registry) is written to at the document's Email, as before.
 */
export function submitterRecipients(
  documentEmail: string | undefined,
  agency: { contacts: readonly string[] } | undefined,
): string[] {
  if (agency) return [...new Set(agency.contacts)];
  return documentEmail ? [documentEmail] : [];
}
