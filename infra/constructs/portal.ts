import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RemovalPolicy } from 'aws-cdk-lib';
import { type HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DRAFTS_PREFIX, INDEXES, UPLOAD_PREFIX } from '../../functions/lib/contract';
import type { Profile } from '../../functions/lib/profile';
import type { StatefulStack } from '../stateful-stack';
import type { TableAccess } from '../stateless-stack';
import { ProjectFunction } from './lambda';

/** The identifier functions/portal.ts reads the embedded templates from. */
export const TEMPLATES_DEFINE = '__PORTAL_TEMPLATES__';

/** The portal's pages: GET everywhere; POST only where a checked draft is submitted. */
export const PORTAL_ROUTES: ReadonlyArray<{ path: string; methods: HttpMethod[] }> = [
  { path: '/portal', methods: [HttpMethod.GET] },
  { path: '/portal/check', methods: [HttpMethod.GET] },
  { path: '/portal/submit', methods: [HttpMethod.GET] },
  { path: '/portal/draft', methods: [HttpMethod.GET, HttpMethod.POST] },
  { path: '/portal/receipt', methods: [HttpMethod.GET] },
  { path: '/portal/proposal', methods: [HttpMethod.GET] },
  { path: '/portal/guide', methods: [HttpMethod.GET] },
  { path: '/portal/template', methods: [HttpMethod.GET] },
];

const TEMPLATE_TYPES: Record<string, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  md: 'text/markdown; charset=utf-8',
};

/** The templates of each group (examples/templates/<group>.docx|md), embedded in the portal's bundle. */
export function portalTemplates(
  profile: Profile,
): Array<{ fileName: string; contentType: string; base64: string }> {
  const dir = fileURLToPath(new URL('../../examples/templates/', import.meta.url));
  const groups = new Set(profile.groups.map((g) => g.id));
  return readdirSync(dir)
    .filter((name) => groups.has(name.split('.')[0] ?? '') && TEMPLATE_TYPES[name.split('.').pop() ?? ''])
    .sort()
    .map((fileName) => ({
      fileName,
      contentType: TEMPLATE_TYPES[fileName.split('.').pop() ?? ''] as string,
      base64: readFileSync(`${dir}${fileName}`).toString('base64'),
    }));
}

export interface SubmittersPortalProps {
  api: HttpApi;
  data: StatefulStack;
  profile: Profile;
  /** Environment of the function: what every function gets (table, profile id), and the season's close. */
  environment: Record<string, string>;
  /** Absolute URL of the portal's home: the upload forms send the browser back below it. */
  baseUrl: string;
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
  tableAccess: (fn: IFunction, access: TableAccess) => void;
}

/**
 * The submitters' portal: its function (internet-facing, so its concurrency is reserved), routes on the HTTP API
 * and grants. The function signs presigned POSTs with its own role, so the role may put objects under the
 * drafts and incoming prefixes only: S3 accepts a form only for what the signer may do. It lists only those
 * prefixes, reads drafts (the check), and copies a checked draft into incoming (the submission).
 */
export class SubmittersPortal extends Construct {
  readonly project: ProjectFunction;

  constructor(scope: Construct, id: string, props: SubmittersPortalProps) {
    super(scope, id);
    const { data } = props;
    this.project = new ProjectFunction(this, 'Function', {
      entry: 'portal',
      description: "Serves the submitters' portal: proposals, draft checks, upload forms, receipts",
      environment: {
        ...props.environment,
        BUCKET_NAME: data.bucket.bucketName,
        SIGNING_SECRET_ARN: data.signingSecret.secretArn,
        PORTAL_BASE_URL: props.baseUrl,
      },
      profile: props.profile,
      // A draft check parses the file (PDF text extraction is the heaviest), as Validate does.
      memorySize: 1024,
      defines: { [TEMPLATES_DEFINE]: JSON.stringify(portalTemplates(props.profile)) },
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      internetFacing: true,
    });
    const fn = this.project.fn;
    props.tableAccess(fn, {
      // The agency (Get), its hourly counters (Update), a draft's one submission (Put, Delete when the copy fails).
      items: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
      queryIndexes: [INDEXES.byReviewer],
    });
    data.signingSecret.grantRead(fn);
    const drafts = data.bucket.arnForObjects(`${DRAFTS_PREFIX}*`);
    const incoming = data.bucket.arnForObjects(`${UPLOAD_PREFIX}*`);
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:PutObject'],
        resources: [drafts, incoming],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:GetObject'],
        resources: [drafts],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:ListBucket'],
        resources: [data.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${DRAFTS_PREFIX}*`, `${UPLOAD_PREFIX}*`] } },
      }),
    );
    const integration = new HttpLambdaIntegration('PortalIntegration', fn);
    for (const route of PORTAL_ROUTES) props.api.addRoutes({ ...route, integration });
  }
}
