import type { LocalizedText } from '../profile';

export type DocumentFormat = 'docx' | 'pdf' | 'markdown' | 'text' | 'json' | 'unknown';
export type Severity = 'error' | 'warning';

export type IssueCode =
  | 'FILE_EMPTY'
  | 'FILE_TOO_LARGE'
  | 'FILE_CORRUPT'
  | 'FORMAT_UNSUPPORTED'
  | 'FORMAT_EXTENSION_MISMATCH'
  | 'FORMAT_EXTENSION_UNKNOWN'
  | 'ENCODING_INVALID'
  | 'PDF_NO_TEXT'
  | 'PDF_ENCRYPTED'
  | 'PDF_TIMEOUT'
  | 'PDF_ACTIVE_CONTENT'
  | 'DOCX_MACROS'
  | 'DOCX_ENCRYPTED'
  | 'DOCX_EXTERNAL_CONTENT'
  | 'DOCX_ACTIVE_CONTENT'
  | 'ARCHIVE_TOO_LARGE'
  | 'ARCHIVE_UNSAFE_PATH'
  | 'XML_UNSAFE'
  | 'DOCUMENT_TOO_COMPLEX'
  | 'FORM_INVALID'
  | 'IDENTITY_MISSING'
  | 'IDENTITY_UNRECOGNIZED'
  | 'IDENTITY_TOO_LONG'
  | 'EMAIL_INVALID'
  | 'PHONE_INVALID'
  | 'VIDEO_NOT_YOUTUBE'
  | 'GROUP_UNKNOWN'
  | 'CATEGORY_UNKNOWN'
  | 'START_DATE_INVALID'
  | 'START_DATE_IN_FUTURE'
  | 'INNOVATION_TOO_YOUNG'
  | 'SECTION_MISSING'
  | 'SECTION_EMPTY'
  | 'WORD_LIMIT_EXCEEDED'
  | 'SECTION_DUPLICATE'
  | 'SECTION_NOT_IN_GROUP'
  | 'SECTION_UNRECOGNIZED'
  | 'DUPLICATE_TITLE'
  | 'QUOTA_EXCEEDED'
  | 'INSTITUTION_NOT_OF_AGENCY'
  | 'AGENCY_NOT_REGISTERED';

export interface Issue {
  /** Stable code the pipeline and the tests route on. */
  code: IssueCode;
  severity: Severity;
  /** Section id the issue is about, when it is about one. */
  section?: string;
  /** What is wrong, short enough for a one-line summary. */
  message: LocalizedText;
  /** How to fix it. */
  hint: LocalizedText;
}

export interface Identity {
  title?: string;
  institution?: string;
  group?: string;
  category?: string;
  /** ISO date (YYYY-MM-DD), only when the written date could be read. */
  startDate?: string;
  innovator?: string;
  email?: string;
  phone?: string;
  video?: string;
}

export interface SectionReport {
  id: string;
  name: string;
  words: number;
  limit: number;
  present: boolean;
  /** The beginning of the section's text (at most 1,500 characters), shown to reviewers. */
  excerpt?: string;
}

export interface ValidationReport {
  valid: boolean;
  format: DocumentFormat;
  /** Group id (as written, or inferred from the sections when not written). */
  group?: string;
  groupName?: string;
  /** Category id. */
  category?: string;
  categoryName?: string;
  identity: Identity;
  /** The sections of the group, in the profile's order. */
  sections: SectionReport[];
  issues: Issue[];
}

export interface ValidateOptions {
  /** Reference time for "start date in the future" (default: now). */
  now?: Date;
  /** Original file name, only used to warn when its extension contradicts the content. */
  fileName?: string;
  /** Real size of the file when the caller passed only its first bytes (for the size message). */
  declaredSize?: number;
  /** Time budget for reading a PDF, in milliseconds (default 15000). */
  pdfTimeoutMs?: number;
  /**
   * Time budget for the whole reading of a text, Markdown or JSON file and for the checks of any format, in
   * milliseconds (default 15000), measured with `clock`.
   */
  timeBudgetMs?: number;
  /** Milliseconds from any fixed origin (default performance.now): the clock the time budgets are measured on. */
  clock?: () => number;
}

/** A time budget: `clock()` (milliseconds) must not pass `deadline`; `limitMs` is the whole budget, for messages. */
export interface Budget {
  clock: () => number;
  deadline: number;
  limitMs: number;
}

/** A document reduced to what validation needs: headings, paragraphs (one per line) and table rows. */
export type Block =
  | { kind: 'heading'; text: string; level: number }
  | { kind: 'paragraph'; text: string; links?: string[] }
  | { kind: 'row'; cells: string[]; links?: string[] };

export interface ParsedDocument {
  format: Exclude<DocumentFormat, 'unknown'>;
  blocks: Block[];
  /** Structured forms (JSON) name every section and field: unknown names are reported. */
  strict?: boolean;
}
