/**
 * How a reviewer's download of a proposal file is served (pure): the content type of the format validation
 * detected (never text/html, whatever the uploader declared) and `Content-Disposition: attachment` with a name
 * the system chooses (`<proposalId>.<extension of the detected format>`), so a browser saves the file and never
 * renders it. The presigned GET overrides whatever the uploader stored with the object (its Content-Type,
 * Content-Disposition, Content-Encoding, Cache-Control): the storage adapter applies these headers.
 */
import type { DocumentFormat } from '../validation/types';

export interface DownloadHeaders {
  contentType: string;
  contentDisposition: string;
}

/** The served type and file extension of each detected format; anything else is opaque bytes. */
const FORMATS: Record<DocumentFormat, { type: string; ext: string }> = {
  pdf: { type: 'application/pdf', ext: 'pdf' },
  docx: {
    type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ext: 'docx',
  },
  markdown: { type: 'text/plain; charset=utf-8', ext: 'md' },
  text: { type: 'text/plain; charset=utf-8', ext: 'txt' },
  json: { type: 'application/json', ext: 'json' },
  unknown: { type: 'application/octet-stream', ext: 'bin' },
};

/** A proposal id reduced to characters that need no quoting or encoding in a header (ids are hex already). */
function safeStem(proposalId: string): string {
  const stem = proposalId.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 80);
  return stem.replace(/^-+|-+$/g, '') || 'proposal';
}

/**
 * The headers of a download of the proposal `proposalId` whose content was detected as `format` (undefined
 * for a proposal validated before the format was recorded: served as opaque bytes).
 */
export function downloadHeaders(format: string | undefined, proposalId: string): DownloadHeaders {
  const known = format !== undefined && Object.hasOwn(FORMATS, format);
  const { type, ext } = FORMATS[known ? (format as DocumentFormat) : 'unknown'];
  const name = `${safeStem(proposalId)}.${ext}`;
  // The name is plain ASCII (letters, digits, '-', '_', '.'), so filename= needs no escaping (RFC 6266) and
  // filename*= (RFC 5987) says the same for clients that prefer it.
  return {
    contentType: type,
    contentDisposition: `attachment; filename="${name}"; filename*=UTF-8''${name}`,
  };
}
