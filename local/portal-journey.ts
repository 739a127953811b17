/**
 * What a submitter does in the portal, without a browser: open the invitation, fetch an upload form, post a file
 * straight to the local S3 as the browser would (multipart, the hidden fields as served), follow S3's redirect
 * back to the portal. Used by the e2e tests, the screenshots and the demo.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { agenciesInviteCommand } from '../cli/commands/invitations';
import { sendEmailCommand } from '../functions/lib/adapters/mail';
import type { Driver } from './driver';
import { LOCAL_CREDENTIALS } from './runtime';

/** The HTML entities the pages' escaping produces. */
const decode = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

export interface UploadForm {
  action: string;
  fields: Record<string, string>;
}

/** The first multipart form of a page: where it posts and its hidden fields, as the browser would send them. */
export function uploadFormOf(page: string): UploadForm {
  const form = /<form method="post" action="([^"]+)" enctype="multipart\/form-data">([\s\S]*?)<\/form>/.exec(
    page,
  );
  if (!form?.[1] || form[2] === undefined) throw new Error('The page has no upload form');
  const fields: Record<string, string> = {};
  for (const input of form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[decode(input[1] ?? '')] = decode(input[2] ?? '');
  return { action: decode(form[1]), fields };
}

/** The signed links of every `<a href>` of a page that lead to `route` of the portal. */
export function portalHrefs(page: string, route: string): string[] {
  return [...page.matchAll(/href="([^"]+)"/g)]
    .map((m) => decode(m[1] ?? ''))
    .filter((href) => new URL(href).pathname === `/portal${route}`);
}

export class PortalJourney {
  constructor(private readonly driver: Driver) {}

  private get runtime() {
    return this.driver.runtime;
  }

  /** The link signing secret of the runtime (what `agencies invite` reads from Secrets Manager). */
  async secret(): Promise<string> {
    const arn = this.runtime.env.PROPOSALS_SIGNING_SECRET_ARN;
    const client = new SecretsManagerClient({
      endpoint: this.runtime.endpoints.sfn,
      region: this.runtime.env.AWS_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    return out.SecretString ?? '';
  }

  /** Runs `agencies invite` for the agencies (or all) and returns the link each one's invitation email carries. */
  async invite(codes: readonly string[] | 'all'): Promise<Map<string, string>> {
    const runtime = this.runtime;
    const ses = new SESv2Client({
      endpoint: runtime.endpoints.ses,
      region: runtime.env.AWS_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const before = (await this.driver.emails()).length;
    const code = await agenciesInviteCommand(
      codes === 'all' ? [] : codes,
      { lang: 'en', all: codes === 'all' },
      {
        doc: this.driver.doc,
        table: runtime.names.table,
        portalUrl: runtime.names.portalUrl,
        profile: this.driver.profile,
        closesAt: new Date(runtime.env.SUBMISSIONS_CLOSE_AT ?? Date.now()),
        secret: () => this.secret(),
        send: async (email) => {
          await ses.send(sendEmailCommand(email, runtime.env.PROPOSALS_SENDER_EMAIL ?? ''));
        },
        out: () => {},
        err: () => {},
      },
    );
    if (code !== 0) throw new Error(`agencies invite exited with ${code}`);
    const links = new Map<string, string>();
    for (const email of (await this.driver.emails()).slice(before)) {
      const match = /(https?:\/\/[^\s"'<>]+\/portal\?a=[^\s"'<>]+)/.exec(email.body.text ?? '');
      if (!match?.[1]) continue;
      const link = decode(match[1]);
      links.set(new URL(link).searchParams.get('a') ?? '', link);
    }
    return links;
  }

  /** GETs a portal page (redirects not followed). */
  async page(url: string): Promise<{ status: number; body: string; headers: Headers }> {
    const response = await fetch(url, { redirect: 'manual' });
    return { status: response.status, body: await response.text(), headers: response.headers };
  }

  /** The portal URL of `route` for the same signed link as `link`, with extra parameters. */
  url(link: string, route: string, params: Record<string, string> = {}): string {
    const url = new URL(link);
    url.pathname = `/portal${route}`;
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return url.toString();
  }

  /**
   * Posts a file through an upload form as the browser does (the served fields, then the file), optionally with
   * fields changed (`tamper`), and returns S3's answer: a 303 to the portal, or S3's error.
   */
  async postForm(
    form: UploadForm,
    file: { name: string; body: Uint8Array | string },
    tamper: Record<string, string> = {},
  ): Promise<{ status: number; location?: string; body: string }> {
    const data = new FormData();
    for (const [name, value] of Object.entries({ ...form.fields, ...tamper })) data.set(name, value);
    data.set('file', new File([file.body], file.name), file.name);
    const response = await fetch(form.action, { method: 'POST', body: data, redirect: 'manual' });
    return {
      status: response.status,
      location: response.headers.get('location') ?? undefined,
      body: await response.text(),
    };
  }

  /** Opens an upload page (`/check` or `/submit`), posts the file and follows S3's redirect to the portal page. */
  async upload(
    pageUrl: string,
    file: { name: string; body: Uint8Array | string },
  ): Promise<{ url: string; status: number; body: string }> {
    const page = await this.page(pageUrl);
    if (page.status !== 200) throw new Error(`${pageUrl} answered ${page.status}`);
    const posted = await this.postForm(uploadFormOf(page.body), file);
    if (posted.status !== 303 || !posted.location)
      throw new Error(`S3 answered ${posted.status}: ${posted.body}`);
    const next = await this.page(posted.location);
    return { url: posted.location, ...next };
  }
}
