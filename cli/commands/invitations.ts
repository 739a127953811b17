/**
 * `proposals agencies invite CODE...|--all` emails each contact of an agency its signed portal link;
 * `proposals agencies revoke CODE` invalidates every link of that agency sent so far.
 * Exit codes: 0 done, 1 some agency is unknown or some email could not be sent, 2 nothing could be done.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getAgencyForPortal, listAgencies, revokePortalLinks } from '../../functions/lib/adapters/agencies';
import type { Lang } from '../../functions/lib/i18n';
import { invitationEmail } from '../../functions/lib/portal/invitation';
import { portalLinkExpiry, signPortalLink } from '../../functions/lib/portal/links';
import type { Profile } from '../../functions/lib/profile';
import { jsonText, print, printable, printError } from '../output';

export interface InvitationDeps {
  doc: DynamoDBDocumentClient;
  table: string;
  /** The link signing secret (current version). */
  secret: () => Promise<string>;
  /** The portal's home URL (the Logic stack's PortalUrl output). */
  portalUrl: string;
  profile: Profile;
  closesAt: Date;
  send: (email: { to: string; subject: string; html: string; text: string }) => Promise<void>;
  now?: Date;
  out?: (text: string) => void;
  err?: (text: string) => void;
}

export interface InviteOptions {
  all?: boolean;
  lang?: Lang;
  /** Also print each link (for agencies reached by another channel); links are credentials. */
  showLinks?: boolean;
  json?: boolean;
}

const TEXT = {
  id: {
    nothing: 'Sebutkan kode instansi, atau --all untuk semua instansi.',
    unknown: (codes: string[]) =>
      `Instansi tidak terdaftar: ${codes.join(', ')}. Tidak ada email yang dikirim.`,
    over: (at: string) => `Tautan portal musim ini sudah berakhir (${at}); tidak ada yang dikirim.`,
    invited: (code: string, n: number, until: string) =>
      `${code}: ${n} kontak diundang (tautan berlaku sampai ${until})`,
    failed: (code: string, to: string, why: string) => `${code}: email ke ${to} gagal (${why})`,
    done: (agencies: number, emails: number, failed: number) =>
      `${agencies} instansi, ${emails} email terkirim${failed ? `, ${failed} gagal` : ''}.`,
    revoked: (code: string, generation: number) =>
      `${code}: semua tautan portal sebelumnya dicabut (generasi ${generation}). Kirim tautan baru dengan \`proposals agencies invite ${code}\`.`,
    notRegistered: (code: string) => `Instansi ${code} tidak terdaftar.`,
  },
  en: {
    nothing: 'Name agency codes, or --all for every agency.',
    unknown: (codes: string[]) => `Not in the registry: ${codes.join(', ')}. No email was sent.`,
    over: (at: string) => `This season's portal links have ended (${at}); nothing was sent.`,
    invited: (code: string, n: number, until: string) =>
      `${code}: ${n} contact(s) invited (link valid until ${until})`,
    failed: (code: string, to: string, why: string) => `${code}: the email to ${to} failed (${why})`,
    done: (agencies: number, emails: number, failed: number) =>
      `${agencies} agencies, ${emails} emails sent${failed ? `, ${failed} failed` : ''}.`,
    revoked: (code: string, generation: number) =>
      `${code}: every portal link sent before is revoked (generation ${generation}). Send a new one with \`proposals agencies invite ${code}\`.`,
    notRegistered: (code: string) => `Agency ${code} is not in the registry.`,
  },
} as const;

const writers = (deps: InvitationDeps) => ({
  // Cleaned like everything the CLI prints (cli/output.ts): agency names and codes come from an imported file.
  out: (text: string) => (deps.out ?? print)(printable(text)),
  err: (text: string) => (deps.err ?? printError)(printable(text)),
});

/** Emails each contact of the named agencies (or of all) its portal link. */
export async function agenciesInviteCommand(
  codes: readonly string[],
  opts: InviteOptions,
  deps: InvitationDeps,
): Promise<number> {
  const { out, err } = writers(deps);
  const t = TEXT[opts.lang ?? 'id'];
  const now = deps.now ?? new Date();
  if (!opts.all && codes.length === 0) {
    err(`${t.nothing}\n`);
    return 2;
  }
  const expiresAt = portalLinkExpiry(deps.closesAt, deps.profile.portal.linkMarginDays);
  if (expiresAt.getTime() <= now.getTime()) {
    err(`${t.over(expiresAt.toISOString())}\n`);
    return 2;
  }
  const wanted = opts.all
    ? (await listAgencies(deps.doc, deps.table)).map((a) => a.code)
    : [...new Set(codes)];
  const agencies = [];
  for (const code of wanted)
    agencies.push({ code, agency: await getAgencyForPortal(deps.doc, deps.table, code) });
  const unknown = agencies.filter((a) => !a.agency).map((a) => a.code);
  if (unknown.length) {
    err(`${t.unknown(unknown)}\n`);
    return 1;
  }
  const secret = await deps.secret();
  const results: Array<{
    agency: string;
    link?: string;
    sent: string[];
    failed: Array<{ to: string; error: string }>;
  }> = [];
  let sent = 0;
  let failed = 0;
  for (const [index, { code, agency }] of agencies.entries()) {
    if (!agency) continue;
    const query = signPortalLink({ agency: code, generation: agency.generation, expiresAt }, secret);
    const link = `${deps.portalUrl}?${query}`;
    const email = invitationEmail({
      profile: deps.profile,
      lang: agency.language,
      agencyName: agency.name,
      url: link,
      closesAt: deps.closesAt,
      expiresAt,
    });
    const result = {
      agency: code,
      ...(opts.showLinks ? { link } : {}),
      sent: [] as string[],
      failed: [] as Array<{ to: string; error: string }>,
    };
    for (const to of agency.contacts) {
      try {
        await deps.send({ to, ...email });
        result.sent.push(to);
        sent++;
      } catch (error) {
        const why = (error as Error).name || String(error);
        result.failed.push({ to, error: why });
        failed++;
        if (!opts.json) err(`${t.failed(code, to, why)}\n`);
      }
    }
    results.push(result);
    if (!opts.json) {
      out(`${t.invited(code, result.sent.length, expiresAt.toISOString())}\n`);
      if (opts.showLinks) out(`  ${link}\n`);
    }
    if (!opts.json && agencies.length >= 100 && (index + 1) % 100 === 0)
      err(`  ${index + 1}/${agencies.length}\n`);
  }
  if (opts.json) out(`${jsonText({ expiresAt: expiresAt.toISOString(), agencies: results })}\n`);
  else out(`${t.done(results.length, sent, failed)}\n`);
  return failed ? 1 : 0;
}

/** Revokes every portal link of an agency: the links already sent stop working at once. */
export async function agenciesRevokeCommand(
  code: string,
  opts: { lang?: Lang },
  deps: Pick<InvitationDeps, 'doc' | 'table' | 'out' | 'err'>,
): Promise<number> {
  const t = TEXT[opts.lang ?? 'id'];
  const out = (text: string) => (deps.out ?? print)(printable(text));
  const err = (text: string) => (deps.err ?? printError)(printable(text));
  const generation = await revokePortalLinks(deps.doc, deps.table, code);
  if (generation === undefined) {
    err(`${t.notRegistered(code)}\n`);
    return 1;
  }
  out(`${t.revoked(code, generation)}\n`);
  return 0;
}
