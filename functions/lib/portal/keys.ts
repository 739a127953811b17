/**
 * Object keys of the portal's uploads, all built by the server:
 * - a draft to check: `drafts/<agency>/<draft id>/<file name>` (expired by a lifecycle rule, never reviewed);
 * - a submission: `incoming/<agency>/u<upload id>-<file name>`, or, replacing a REJECTED proposal,
 *   `incoming/<agency>/u<upload id>.r.<proposal id>-<file name>` — the unchanged S3 → SQS → pipeline path, which
 *   reads the replaced proposal from the key (a key the policy of another agency's form cannot produce).
 * Ids are random (80 bits, lowercase hex), so a key tells nothing of another agency's uploads.
 */
import { randomBytes } from 'node:crypto';
import { DRAFTS_PREFIX, UPLOAD_PREFIX } from '../contract';

const ID = /^[0-9a-f]{20}$/;
const PROPOSAL_ID = /^p-[0-9a-f]{20}$/;
const SUBMISSION = /^u([0-9a-f]{20})(?:\.r\.(p-[0-9a-f]{20}))?-(.+)$/s;

/** A new random draft or upload id. */
export const newUploadId = (): string => randomBytes(10).toString('hex');

export const isUploadId = (id: string | undefined): id is string => id !== undefined && ID.test(id);
export const isProposalId = (id: string | undefined): id is string =>
  id !== undefined && PROPOSAL_ID.test(id);

/** The folder of one draft (the browser's file name follows). */
export const draftPrefix = (agency: string, draftId: string): string =>
  `${DRAFTS_PREFIX}${agency}/${draftId}/`;

/** The start of a submission's key (the browser's file name follows). */
export function submissionPrefix(agency: string, uploadId: string, replaces?: string): string {
  return `${UPLOAD_PREFIX}${agency}/u${uploadId}${replaces ? `.r.${replaces}` : ''}-`;
}

/** What the file name part of an incoming key says of a portal submission (nothing for other uploads). */
export interface PortalSubmission {
  uploadId: string;
  /** The REJECTED proposal this file replaces. */
  replaces?: string;
  /** The name of the file on the submitter's computer. */
  originalName: string;
}

export function parseSubmissionName(fileName: string): PortalSubmission | undefined {
  const match = SUBMISSION.exec(fileName);
  if (!match) return undefined;
  const [, uploadId = '', replaces, originalName = ''] = match;
  return { uploadId, originalName, ...(replaces ? { replaces } : {}) };
}
