/**
 * The portal's request flow on in-memory ports: what an agency sees and can do, and what it cannot.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type AgencyProposal,
  handlePortalRequest,
  type PortalOptions,
  type PortalPorts,
  type PortalRequest,
} from '../../../functions/lib/portal/flow';
import { signPortalLink } from '../../../functions/lib/portal/links';
import { bundledProfile } from '../../../functions/lib/profile';
import type { ValidationReport } from '../../../functions/lib/validation/types';

const SECRET = 's'.repeat(40);
const profile = bundledProfile('kipp');
const now = new Date('2026-05-01T03:00:00Z');
const closesAt = new Date('2026-06-30T16:59:59Z');
const expiresAt = new Date('2026-10-01T00:00:00Z');

const passing: ValidationReport = {
  valid: true,
  format: 'markdown',
  identity: { title: 'Si Cepat' },
  sections: [{ id: 'ringkasan', name: 'Ringkasan', words: 120, limit: 200, present: true }],
  issues: [],
};
const failing: ValidationReport = {
  ...passing,
  valid: false,
  sections: [{ id: 'ringkasan', name: 'Ringkasan', words: 242, limit: 200, present: true }],
  issues: [
    {
      code: 'WORD_LIMIT_EXCEEDED',
      severity: 'error',
      section: 'ringkasan',
      message: { id: 'Ringkasan melebihi 200 kata (242)', en: 'Ringkasan exceeds 200 words (242)' },
      hint: { id: 'Persingkat Ringkasan.', en: 'Shorten Ringkasan.' },
    },
  ],
};

class MemoryPorts implements PortalPorts {
  generation = new Map([
    ['pemkot-depok', 0],
    ['pemkot-bogor', 0],
  ]);
  proposalsOf = new Map<string, AgencyProposal[]>();
  objects = new Map<string, string>();
  copies: Array<{ from: string; to: string }> = [];
  claimed = new Set<string>();
  forms: Array<{ keyPrefix: string; successRedirect: string }> = [];
  uploadsLeft = 100;
  report = passing;

  async agency(code: string) {
    const generation = this.generation.get(code);
    return generation === undefined
      ? undefined
      : {
          code,
          name: `<b>${code}</b>`,
          parent: 'Pemerintah Kota Depok',
          province: 'Jawa Barat',
          regency: 'Kota Depok',
          kind: 'city' as const,
          contacts: [`inovasi@${code}.example.go.id`],
          language: 'id' as const,
          generation,
        };
  }
  async proposals(agency: string) {
    return this.proposalsOf.get(agency) ?? [];
  }
  async uploadForm(form: { keyPrefix: string; successRedirect: string }) {
    this.forms.push(form);
    return {
      action: 'http://127.0.0.1:9000/proposals',
      fields: { key: `${form.keyPrefix}\${filename}`, policy: 'p' },
    };
  }
  async takeUpload() {
    return this.uploadsLeft-- > 0;
  }
  async findObject(prefix: string) {
    const key = [...this.objects.keys()].find((k) => k.startsWith(prefix));
    return key ? { key, fileName: key.slice(prefix.length) } : undefined;
  }
  async checkDraft() {
    return this.report;
  }
  async submitDraft(_agency: string, draftId: string, from: string, to: string) {
    if (this.claimed.has(draftId)) return false;
    this.claimed.add(draftId);
    this.copies.push({ from, to });
    return true;
  }
  templates() {
    return [{ fileName: 'umum.docx', contentType: 'application/x', base64: 'UEsDBA==' }];
  }
}

let ports: MemoryPorts;
beforeEach(() => {
  ports = new MemoryPorts();
});

const link = (agency = 'pemkot-depok', generation = 0) =>
  Object.fromEntries(new URLSearchParams(signPortalLink({ agency, generation, expiresAt }, SECRET)));

function request(route: string, query: Record<string, string> = {}, init: Partial<PortalRequest> = {}) {
  const options: PortalOptions = {
    profile,
    secrets: [SECRET],
    now,
    baseUrl: 'https://api.example/portal',
    closesAt,
    ports,
    guide: (_p, lang) => `<p>guide ${lang}</p>`,
  };
  return handlePortalRequest({ method: 'GET', route, query, ...init }, options);
}

const proposal = (over: Partial<AgencyProposal> = {}): AgencyProposal => ({
  id: 'p-0123456789abcdef0123',
  fileName: 'proposal.docx',
  title: 'Layanan <script>alert(1)</script>',
  status: 'REJECTED',
  reason: 'Ringkasan exceeds 200 words',
  receivedAt: new Date('2026-04-30T00:00:00Z'),
  ...over,
});

describe('the portal flow', () => {
  it('shows the agency its proposals, the deadline and the templates, in Indonesian by default', async () => {
    ports.proposalsOf.set('pemkot-depok', [proposal()]);
    const page = await request('', link());
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Proposal Anda');
    expect(page.body).toContain('Batas pengiriman');
    expect(page.body).toContain('Ganti dengan berkas perbaikan');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).not.toContain('<script>');
    expect(page.body).toContain('&lt;b&gt;pemkot-depok&lt;/b&gt;');
    expect(page.body).toContain('/portal/template?');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('keeps the pipeline’s own notes (reviewer ids, assignment details) off the portal', async () => {
    const reason = '3 reviewer(s) assigned: unair-02, unud-01, usu-01. Chosen: unair-02 (expert seat, 0/10)';
    ports.proposalsOf.set('pemkot-depok', [proposal({ status: 'IN_REVIEW', reason })]);
    for (const route of ['', '/proposal']) {
      const page = await request(route, { ...link(), p: 'p-0123456789abcdef0123' });
      expect(page.body).not.toContain('unair-02');
      expect(page.body).toContain('sedang dinilai oleh penilai');
    }
  });

  it('speaks English when asked, and keeps the language in its links', async () => {
    const page = await request('', { ...link(), lang: 'en' });
    expect(page.body).toContain('Your proposals');
    expect(page.body).toContain('lang=en');
  });

  it.each([
    ['forged', { ...link(), s: 'A'.repeat(43) }, 403],
    ['malformed', { a: 'pemkot-depok' }, 400],
  ])('refuses a %s link with a page saying what to do', async (_, query, status) => {
    const page = await request('', query as Record<string, string>);
    expect(page.statusCode).toBe(status);
    expect(page.body).toContain('undangan');
  });

  it('refuses a revoked link with 410 and an expired one with 410', async () => {
    const old = link();
    ports.generation.set('pemkot-depok', 1);
    expect((await request('', old)).statusCode).toBe(410);
    expect((await request('', link('pemkot-depok', 1))).statusCode).toBe(200);
    const expired = Object.fromEntries(
      new URLSearchParams(signPortalLink({ agency: 'pemkot-depok', generation: 1, expiresAt: now }, SECRET)),
    );
    expect((await request('', expired)).statusCode).toBe(410);
  });

  it('never shows another agency its proposals: an id of another agency is not found', async () => {
    ports.proposalsOf.set('pemkot-bogor', [proposal()]);
    const page = await request('/proposal', { ...link(), p: 'p-0123456789abcdef0123' });
    expect(page.statusCode).toBe(404);
    const replace = await request('/submit', { ...link(), replace: 'p-0123456789abcdef0123' });
    expect(replace.statusCode).toBe(404);
  });

  it('builds the upload keys itself, under the agency’s own folders', async () => {
    const check = await request('/check', link());
    expect(check.statusCode).toBe(200);
    expect(ports.forms[0]?.keyPrefix).toMatch(/^drafts\/pemkot-depok\/[0-9a-f]{20}\/$/);
    expect(check.body).toContain('enctype="multipart/form-data"');
    expect(check.headers['content-security-policy']).toContain("form-action 'self' http://127.0.0.1:9000");
    ports.proposalsOf.set('pemkot-depok', [proposal()]);
    await request('/submit', { ...link(), replace: 'p-0123456789abcdef0123' });
    expect(ports.forms[1]?.keyPrefix).toMatch(
      /^incoming\/pemkot-depok\/u[0-9a-f]{20}\.r\.p-0123456789abcdef0123-$/,
    );
    expect(ports.forms[1]?.successRedirect).toMatch(
      /^https:\/\/api\.example\/portal\/receipt\?a=pemkot-depok&/,
    );
  });

  it('shows a draft’s report with each fix, and offers to submit it only when it passes', async () => {
    ports.objects.set('drafts/pemkot-depok/0123456789abcdef0123/proposal.md', 'x');
    ports.report = failing;
    const failed = await request('/draft', { ...link(), d: '0123456789abcdef0123' });
    expect(failed.body).toContain('Ringkasan melebihi 200 kata (242)');
    expect(failed.body).toContain('Persingkat Ringkasan.');
    expect(failed.body).not.toContain('name="csrf"');
    ports.report = passing;
    const passed = await request('/draft', { ...link(), d: '0123456789abcdef0123' });
    expect(passed.body).toContain('name="csrf"');
  });

  it('submits a checked draft once, only with the CSRF token of the link', async () => {
    ports.objects.set('drafts/pemkot-depok/0123456789abcdef0123/proposal.md', 'x');
    const page = await request('/draft', { ...link(), d: '0123456789abcdef0123' });
    const token = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const post = (csrf: string) =>
      request(
        '/draft',
        { ...link(), d: '0123456789abcdef0123' },
        {
          method: 'POST',
          body: `csrf=${encodeURIComponent(csrf)}`,
          contentType: 'application/x-www-form-urlencoded',
        },
      );
    expect((await post('forged')).statusCode).toBe(400);
    expect(ports.copies).toHaveLength(0);
    const first = await post(token);
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toContain('/portal/receipt?');
    await post(token);
    expect(ports.copies).toEqual([
      {
        from: 'drafts/pemkot-depok/0123456789abcdef0123/proposal.md',
        to: 'incoming/pemkot-depok/u0123456789abcdef0123-proposal.md',
      },
    ]);
  });

  it('refuses uploads after the deadline and over the hourly limit, with what to do', async () => {
    ports.uploadsLeft = 0;
    const limited = await request('/submit', link());
    expect(limited.statusCode).toBe(429);
    const closed = await handlePortalRequest(
      { method: 'GET', route: '/check', query: link() },
      {
        profile,
        secrets: [SECRET],
        now: new Date(closesAt.getTime() + 1),
        baseUrl: 'https://x/portal',
        closesAt,
        ports,
      },
    );
    expect(closed.statusCode).toBe(403);
    expect(closed.body).toContain('Pengiriman sudah ditutup');
  });

  it('shows a receipt once the upload is there, and 404 for an upload that never happened', async () => {
    expect((await request('/receipt', { ...link(), u: '0123456789abcdef0123' })).statusCode).toBe(404);
    ports.objects.set('incoming/pemkot-depok/u0123456789abcdef0123-proposal.md', 'x');
    const waiting = await request('/receipt', { ...link(), u: '0123456789abcdef0123' });
    expect(waiting.body).toContain('sedang dicatat');
    expect(waiting.body).toContain('http-equiv="refresh"');
    ports.proposalsOf.set('pemkot-depok', [
      proposal({ status: 'IN_REVIEW', uploadId: '0123456789abcdef0123' }),
    ]);
    const receipt = await request('/receipt', { ...link(), u: '0123456789abcdef0123' });
    expect(receipt.body).toContain('p-0123456789abcdef0123');
    expect(receipt.body).toContain('Sedang dinilai');
  });

  it('serves templates as attachments and refuses other names', async () => {
    const file = await request('/template', { ...link(), f: 'umum.docx' });
    expect(file.isBase64Encoded).toBe(true);
    expect(file.headers['content-disposition']).toBe('attachment; filename="umum.docx"');
    expect((await request('/template', { ...link(), f: '../etc/passwd' })).statusCode).toBe(404);
  });

  it('answers an unknown route 404 and a wrong method 405', async () => {
    expect((await request('/admin', link())).statusCode).toBe(404);
    expect((await request('/check', link(), { method: 'POST' })).statusCode).toBe(405);
  });
});
