/**
 * The submitters' portal as a pure request → page function. The Lambda adapter (functions/portal.ts) supplies the
 * ports (the registry, the agency's proposals, presigned forms, drafts, a rate limit); everything the portal
 * decides is here, so it is tested without AWS.
 *
 * Every route needs the agency's signed link (`a, g, e, s`): checked first (forged / expired), then against the
 * registry (revoked). An agency sees and acts on its own proposals only: ids in URLs are looked up among them, so
 * another agency's id is "not found", exactly like an id that does not exist. Keys are built here, never taken
 * from the request.
 */
import type { Agency } from '../agencies/schema';
import { DEFAULT_LANG, isLang, type Lang, resolveLang } from '../i18n';
import type { Profile } from '../profile';
import { raw } from '../review/html';
import { pageHeaders, type RenderedPage } from '../review/page';
import type { ValidationReport } from '../validation/types';
import { draftPrefix, isProposalId, isUploadId, newUploadId, submissionPrefix } from './keys';
import { checkGeneration, csrfMatches, csrfToken, type PortalCredential, verifyPortalLink } from './links';
import {
  type PortalErrorKind,
  type PortalPageContext,
  type PortalProposal,
  renderDraftReport,
  renderHome,
  renderPortalError,
  renderPortalPage,
  renderProposal,
  renderReceipt,
  renderUploadForm,
  seasonOpen,
  type TemplateLink,
} from './pages';
import type { PostFields } from './post-policy';

export type PortalResponse = RenderedPage & { isBase64Encoded?: boolean };

export interface PortalRequest {
  method: string;
  /** The path below the portal's base (``, `/check`, `/draft`...). */
  route: string;
  query: Record<string, string | undefined>;
  body?: string;
  contentType?: string;
  acceptLanguage?: string;
}

/** A registered agency and the generation of its links. */
export type PortalAgency = Agency & { generation: number };

/** A proposal of the agency, with the upload id of a portal submission. */
export type AgencyProposal = PortalProposal & { uploadId?: string };

export interface TemplateFile {
  /** e.g. `umum.docx`: the group id, then the format. */
  fileName: string;
  contentType: string;
  base64: string;
}

export interface PortalPorts {
  agency(code: string): Promise<PortalAgency | undefined>;
  /** The agency's proposals, newest first. */
  proposals(agency: string): Promise<AgencyProposal[]>;
  /** A presigned POST: the form's action (the bucket's URL) and its fields. */
  uploadForm(form: {
    keyPrefix: string;
    successRedirect: string;
    maxBytes: number;
    validSeconds: number;
  }): Promise<{ action: string; fields: PostFields }>;
  /** Counts one upload form of the hour for the agency; false when its hourly limit is reached. */
  takeUpload(agency: string, kind: 'draft' | 'submission', limit: number, now: Date): Promise<boolean>;
  /** The newest object under a prefix (the browser chose only the file name after it). */
  findObject(prefix: string): Promise<{ key: string; fileName: string } | undefined>;
  /**
   * The check the pipeline gives an uploaded draft (bounded in time and memory), with the rule that its
   * Instansi belongs to the agency; no claim is made (nothing is submitted).
   */
  checkDraft(key: string, fileName: string, agency: Agency): Promise<ValidationReport>;
  /**
   * Submits a checked draft as it is (a copy into the agency's incoming folder). Once per draft: false when the
   * draft was already submitted (a second click), which then shows the same receipt.
   */
  submitDraft(agency: string, draftId: string, from: string, to: string): Promise<boolean>;
  templates(): readonly TemplateFile[];
}

export interface PortalOptions {
  profile: Profile;
  /** Link signing secrets, current first. */
  secrets: readonly string[];
  now: Date;
  /** Absolute URL of the portal's home (its routes are below it). */
  baseUrl: string;
  closesAt: Date;
  ports: PortalPorts;
  /** Renders the submitters' guide (a fragment for the page body). */
  guide?: (profile: Profile, lang: Lang) => string;
}

const ROUTES: Record<string, readonly string[]> = {
  '': ['GET'],
  '/check': ['GET'],
  '/submit': ['GET'],
  '/draft': ['GET', 'POST'],
  '/receipt': ['GET'],
  '/proposal': ['GET'],
  '/guide': ['GET'],
  '/template': ['GET'],
};

const TEMPLATE_NAME = /^[a-z0-9-]{1,64}\.(docx|md)$/;

function redirect(location: string): PortalResponse {
  return { statusCode: 303, headers: { ...pageHeaders(), location }, body: '' };
}

function formBody(request: PortalRequest): URLSearchParams | undefined {
  const type = request.contentType?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded' || (request.body?.length ?? 0) > 4096) return undefined;
  return new URLSearchParams(request.body ?? '');
}

/** Serves one portal request. Port failures propagate: the adapter shows the "unavailable" page. */
export async function handlePortalRequest(
  request: PortalRequest,
  options: PortalOptions,
): Promise<PortalResponse> {
  const { profile, now, ports } = options;
  const askedLang = isLang(request.query.lang) ? request.query.lang : undefined;
  const fail = (
    kind: PortalErrorKind,
    lang: Lang = askedLang ?? resolveLang(request.acceptLanguage),
    homeUrl?: string,
  ) => renderPortalError({ kind, lang, profile, homeUrl });

  const methods = ROUTES[request.route];
  if (!methods) return fail('not-found');
  if (!methods.includes(request.method)) return fail('method');

  const link = verifyPortalLink(request.query, options.secrets, now);
  if (!link.ok) return fail(link.reason);
  const agency = await ports.agency(link.credential.agency);
  const current = checkGeneration(link.credential, agency?.generation);
  if (!current.ok || !agency) return fail(current.ok ? 'revoked' : current.reason);
  const credential = current.credential;

  const lang: Lang = askedLang ?? resolveLang(agency.language, request.acceptLanguage, DEFAULT_LANG);
  const linkQuery = new URLSearchParams({
    a: request.query.a ?? '',
    g: request.query.g ?? '',
    e: request.query.e ?? '',
    s: request.query.s ?? '',
  });
  const url = (route: string, params: Record<string, string> = {}) => {
    const query = new URLSearchParams(linkQuery);
    for (const [key, value] of Object.entries({ ...(askedLang ? { lang: askedLang } : {}), ...params }))
      query.set(key, value);
    return `${options.baseUrl}${route}?${query.toString()}`;
  };
  // The page's own parameters (never the link's), to show the same page in the other language.
  const own = Object.fromEntries(
    ['d', 'p', 'u', 'r', 'replace'].flatMap((key) => {
      const value = request.query[key];
      return value && /^[a-z0-9.-]{1,64}$/.test(value) ? [[key, value]] : [];
    }),
  );
  const ctx: PortalPageContext = {
    profile,
    lang,
    agency,
    url,
    inLanguage: (other) => url(request.method === 'GET' ? request.route : '', { ...own, lang: other }),
    closesAt: options.closesAt,
    now,
  };
  const home = url('');
  const refuse = (kind: PortalErrorKind) => fail(kind, lang, home);
  const maxBytes = profile.files.maxBytes;
  const validSeconds = profile.portal.formMinutes * 60;

  switch (request.route) {
    case '':
      return renderHome({
        ctx,
        proposals: await ports.proposals(agency.code),
        templates: templateLinks(ports.templates(), profile, url),
      });

    case '/guide':
      return options.guide ? guidePage(ctx, options.guide(profile, lang)) : refuse('not-found');

    case '/template': {
      const name = request.query.f;
      const file =
        name && TEMPLATE_NAME.test(name) ? ports.templates().find((t) => t.fileName === name) : undefined;
      if (!file) return refuse('not-found');
      return {
        statusCode: 200,
        headers: {
          'content-type': file.contentType,
          'content-disposition': `attachment; filename="${file.fileName}"`,
          'cache-control': 'private, max-age=3600',
          'x-content-type-options': 'nosniff',
        },
        body: file.base64,
        isBase64Encoded: true,
      };
    }

    case '/check': {
      if (!seasonOpen(ctx)) return refuse('closed');
      if (!(await ports.takeUpload(agency.code, 'draft', profile.portal.draftsPerHour, now)))
        return refuse('rate-limited');
      const draftId = newUploadId();
      const form = await ports.uploadForm({
        keyPrefix: draftPrefix(agency.code, draftId),
        successRedirect: url('/draft', { d: draftId }),
        maxBytes,
        validSeconds,
      });
      return renderUploadForm({
        ctx,
        kind: 'draft',
        ...form,
        maxBytes,
        validMinutes: profile.portal.formMinutes,
      });
    }

    case '/submit': {
      if (!seasonOpen(ctx)) return refuse('closed');
      const replace = request.query.replace;
      let replacing: PortalProposal | undefined;
      if (replace !== undefined) {
        if (!isProposalId(replace)) return refuse('not-found');
        replacing = (await ports.proposals(agency.code)).find((p) => p.id === replace);
        if (!replacing) return refuse('not-found');
        // Only a rejected proposal is replaced, and once: its replacement carries the story on.
        if (replacing.status !== 'REJECTED' || replacing.replacedBy)
          return redirect(url('/proposal', { p: replace }));
      }
      if (!(await ports.takeUpload(agency.code, 'submission', profile.portal.submissionsPerHour, now)))
        return refuse('rate-limited');
      const uploadId = newUploadId();
      const form = await ports.uploadForm({
        keyPrefix: submissionPrefix(agency.code, uploadId, replacing?.id),
        // The receipt of a replacement names the replaced proposal too: the key is built from both.
        successRedirect: url('/receipt', { u: uploadId, ...(replacing ? { r: replacing.id } : {}) }),
        maxBytes,
        validSeconds,
      });
      return renderUploadForm({
        ctx,
        kind: 'submission',
        ...form,
        maxBytes,
        validMinutes: profile.portal.formMinutes,
        replacing,
      });
    }

    case '/draft': {
      const draftId = request.query.d;
      if (!isUploadId(draftId)) return refuse('not-found');
      const draft = await ports.findObject(draftPrefix(agency.code, draftId));
      if (!draft) return refuse('draft-missing');
      if (request.method === 'POST') return submitDraft(request, options, ctx, credential, draftId, draft);
      const report = await ports.checkDraft(draft.key, draft.fileName, agency);
      return renderDraftReport({
        ctx,
        fileName: draft.fileName,
        report,
        submitAction: url('/draft', { d: draftId }),
        submitToken:
          report.valid && seasonOpen(ctx) ? csrfToken(credential, options.secrets[0] as string) : undefined,
      });
    }

    case '/receipt': {
      const uploadId = request.query.u;
      if (!isUploadId(uploadId)) return refuse('not-found');
      const proposal = (await ports.proposals(agency.code)).find((p) => p.uploadId === uploadId);
      if (proposal) return renderReceipt({ ctx, proposal });
      // Not registered yet (the pipeline takes a moment): only if the file is really there.
      const replaces = isProposalId(request.query.r) ? request.query.r : undefined;
      if (!(await ports.findObject(submissionPrefix(agency.code, uploadId, replaces))))
        return refuse('not-found');
      return renderReceipt({ ctx });
    }

    case '/proposal': {
      const id = request.query.p;
      const proposal = isProposalId(id)
        ? (await ports.proposals(agency.code)).find((p) => p.id === id)
        : undefined;
      if (!proposal) return refuse('not-found');
      return renderProposal({ ctx, proposal });
    }
  }
  return refuse('not-found');
}

async function submitDraft(
  request: PortalRequest,
  options: PortalOptions,
  ctx: PortalPageContext,
  credential: PortalCredential,
  draftId: string,
  draft: { key: string; fileName: string },
): Promise<PortalResponse> {
  const { ports, profile, now } = options;
  const home = ctx.url('');
  const form = formBody(request);
  if (!form || !csrfMatches(form.get('csrf') ?? undefined, credential, options.secrets))
    return renderPortalError({ kind: 'bad-request', lang: ctx.lang, profile, homeUrl: home });
  if (!seasonOpen(ctx)) return renderPortalError({ kind: 'closed', lang: ctx.lang, profile, homeUrl: home });
  if (!(await ports.takeUpload(ctx.agency.code, 'submission', profile.portal.submissionsPerHour, now)))
    return renderPortalError({ kind: 'rate-limited', lang: ctx.lang, profile, homeUrl: home });
  // The draft id becomes the upload id: a second click finds the same receipt instead of a second proposal.
  await ports.submitDraft(
    ctx.agency.code,
    draftId,
    draft.key,
    `${submissionPrefix(ctx.agency.code, draftId)}${draft.fileName}`,
  );
  return redirect(ctx.url('/receipt', { u: draftId }));
}

function templateLinks(
  files: readonly TemplateFile[],
  profile: Profile,
  url: (route: string, params?: Record<string, string>) => string,
): TemplateLink[] {
  return profile.groups
    .map((group) => ({
      group: group.name,
      files: files
        .filter((f) => f.fileName.startsWith(`${group.id}.`))
        .map((f) => ({
          label: f.fileName.endsWith('.docx') ? 'Word (.docx)' : 'Markdown (.md)',
          href: url('/template', { f: f.fileName }),
        })),
    }))
    .filter((t) => t.files.length > 0);
}

function guidePage(ctx: PortalPageContext, fragment: string): PortalResponse {
  return renderPortalPage(ctx, ctx.lang === 'id' ? 'Panduan' : 'Guide', raw(fragment));
}
