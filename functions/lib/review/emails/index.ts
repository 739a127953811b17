/**
 * The emails of the pipeline, one file per audience: reviewer.ts (the invitation, the reminders), submitter.ts
 * (received, rejected with how to fix it, the result) and ops.ts (reviewers needed, proposal reviewed). Every
 * email exists in Bahasa Indonesia (default) and English, as HTML and plain text: each builds a list of content
 * blocks once and render.ts renders it twice, so both versions always say the same thing. Every value that comes
 * from a person (titles, names, institutions, comments, issue messages) is escaped by the `html` template; no
 * external asset is loaded.
 */

export type { EmailContext, ProposalInfo, ResultSummary } from './common';
export * from './ops';
export type { RenderedEmail } from './render';
export * from './reviewer';
export * from './submitter';
