/**
 * The submitters' portal endpoint: a thin adapter over the pure portal flow (functions/lib/portal/flow.ts). It
 * supplies the flow's ports (the registry, the agency's proposals, presigned upload forms, drafts, the hourly
 * limit) and maps the page the flow returns to an API Gateway response. A fault of AWS shows the "try again"
 * page, not a bare 500.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { getAgencyForPortal } from './lib/adapters/agencies';
import { dynamo } from './lib/adapters/aws/dynamodb';
import { getSecretVersions } from './lib/adapters/aws/secrets';
import { newestObject, submitDraftOnce, takeUpload, uploadForm } from './lib/adapters/portal';
import { ProposalStore } from './lib/adapters/proposals';
import { readBounded } from './lib/adapters/storage';
import { optionalEnv, requireEnv } from './lib/config';
import { lambda, logger } from './lib/lambda';
import type { Proposal } from './lib/model';
import {
  type AgencyProposal,
  handlePortalRequest,
  type PortalPorts,
  type TemplateFile,
} from './lib/portal/flow';
import { renderGuide } from './lib/portal/guide';
import { parseSubmissionName } from './lib/portal/keys';
import { renderPortalError } from './lib/portal/pages';
import { submissionsClose } from './lib/profile';
import { activeProfile } from './lib/profile-config';
import { validateBounded } from './lib/sandbox/validation';
import { withAgencyCheck } from './lib/validation/claims';
import type { ValidationReport } from './lib/validation/types';

const table = requireEnv('TABLE_NAME');
const bucket = requireEnv('BUCKET_NAME');
const secretArn = requireEnv('SIGNING_SECRET_ARN');
const baseUrl = requireEnv('PORTAL_BASE_URL');
const store = new ProposalStore(dynamo, table);

/** The templates of each group, embedded at synth (infra/constructs/portal.ts); none when unbundled. */
declare const __PORTAL_TEMPLATES__: TemplateFile[] | undefined;
const templates: readonly TemplateFile[] =
  typeof __PORTAL_TEMPLATES__ === 'undefined' ? [] : __PORTAL_TEMPLATES__;

/** What the agency sees of one of its proposals. */
function agencyProposal(p: Proposal): AgencyProposal {
  const leaf = p.key.split('/').pop() ?? p.key;
  const portal = parseSubmissionName(leaf);
  return {
    id: p.id,
    fileName: portal?.originalName ?? leaf,
    title: p.title,
    status: p.status,
    reason: p.reason,
    receivedAt: new Date(p.receivedAt),
    validation: p.validation as ValidationReport | undefined,
    replaces: p.replaces,
    replacedBy: p.replacedBy,
    uploadId: portal?.uploadId,
  };
}

const ports: PortalPorts = {
  agency: (code) => getAgencyForPortal(dynamo, table, code),
  proposals: async (agency) => (await store.listByAgency(agency)).map(agencyProposal),
  uploadForm: (form) => uploadForm(bucket, form),
  takeUpload: (agency, kind, limit, now) => takeUpload(dynamo, table, agency, kind, limit, now),
  findObject: (prefix) => newestObject(bucket, prefix),
  async checkDraft(key, fileName, agency) {
    const profile = activeProfile();
    const file = await readBounded(bucket, key, undefined, profile.files.maxBytes);
    // The same bounded check as the Validate step (a worker stopped at its deadline), then the agency rule.
    const report = await validateBounded(file.bytes, profile, { fileName, declaredSize: file.size });
    return withAgencyCheck(report, agency.code, agency);
  },
  submitDraft: (agency, draftId, from, to) =>
    submitDraftOnce(dynamo, table, bucket, { agency, draftId, from, to }),
  templates: () => templates,
};

const toResponse = (page: {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
}): APIGatewayProxyStructuredResultV2 => ({
  statusCode: page.statusCode,
  headers: page.headers,
  body: page.body,
  isBase64Encoded: page.isBase64Encoded ?? false,
});

/** GET pages and the one POST (submit a checked draft). The signed query string is the agency's only credential. */
export const handler = lambda(
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const profile = activeProfile();
    const body =
      event.body && event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    const path = event.rawPath ?? event.requestContext.http.path;
    try {
      const page = await handlePortalRequest(
        {
          method: event.requestContext.http.method,
          route: path.replace(/^\/portal/, '').replace(/\/$/, ''),
          query: event.queryStringParameters ?? {},
          body,
          contentType: event.headers['content-type'],
          acceptLanguage: event.headers['accept-language'],
        },
        {
          profile,
          secrets: await getSecretVersions(secretArn),
          now: new Date(),
          baseUrl,
          closesAt: submissionsClose(profile, optionalEnv('SUBMISSIONS_CLOSE_AT')),
          ports,
          guide: renderGuide,
        },
      );
      return toResponse(page);
    } catch (error) {
      logger.error('The portal request failed', { error });
      return toResponse(renderPortalError({ kind: 'unavailable', lang: profile.language, profile }));
    }
  },
);
