import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseDecision } from '../../../functions/lib/review/form';
import {
  ERROR_KINDS,
  ERROR_STATUS,
  type RenderedPage,
  renderErrorPage,
  renderInvitePage,
  renderReceipt,
  renderScoreForm,
} from '../../../functions/lib/review/page';
import { expectEscaped, externalAssets, hostile, kipp, small } from './fixtures';

const ACTION = `?r=AbCdEfGhIjKlMnOpQrStUvWx&e=1752000000&s=${'x'.repeat(43)}`;
const ACTION_ATTR = `action="${ACTION.replaceAll('&', '&amp;')}"`;
const DUE = new Date('2025-07-14T16:59:00Z');
const proposal = {
  title: 'SiCepat: Layanan KTP Keliling',
  institution: 'Dinas Dukcapil Kabupaten Sleman',
  category: 'kesehatan',
  group: 'umum',
  summary: 'Layanan jemput bola.\nTiap Sabtu.\n\nMenjangkau 12 desa.',
};
const evil = {
  ...proposal,
  title: hostile.title,
  institution: hostile.institution,
  summary: hostile.summary,
};

/** Inputs a browser would submit from a rendered form: hidden fields plus the given choices. */
function formFields(markup: string): { hidden: Record<string, string>; radios: Map<string, string[]> } {
  const hidden: Record<string, string> = {};
  for (const m of markup.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    hidden[m[1] ?? ''] = m[2] ?? '';
  const radios = new Map<string, string[]>();
  for (const m of markup.matchAll(/<input type="radio" name="([^"]+)" value="([^"]*)"/g)) {
    radios.set(m[1] ?? '', [...(radios.get(m[1] ?? '') ?? []), m[2] ?? '']);
  }
  return { hidden, radios };
}

function expectSafePage(page: RenderedPage): void {
  expect(page.body).not.toMatch(/<script/i);
  expect(page.body).not.toMatch(/\son[a-z]+="/i);
  expect(page.body).not.toMatch(/\sstyle="/);
  expect(externalAssets(page.body)).toEqual([]);
  expect(page.headers['referrer-policy']).toBe('no-referrer');
  expect(page.headers['cache-control']).toBe('no-store');
  expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
  // The only stylesheet is the one whose hash the Content-Security-Policy allows.
  const css = [...page.body.matchAll(/<style>([^<]*)<\/style>/g)].map((m) => m[1] ?? '');
  expect(css).toHaveLength(1);
  const hash = createHash('sha256')
    .update(css[0] ?? '')
    .digest('base64');
  expect(page.headers['content-security-policy']).toContain(`style-src 'sha256-${hash}'`);
  expect(page.headers['content-security-policy']).toContain("default-src 'none'");
  expect(page.headers['content-security-policy']).toContain("form-action 'self'");
}

describe('the invitation page', () => {
  it('shows the proposal, its summary, the file, the due date and both answers in Indonesian', () => {
    const page = renderInvitePage({
      profile: kipp,
      proposal,
      downloadUrl: 'https://bucket.s3.amazonaws.com/p.pdf?X-Amz-Signature=abc&X-Amz-Expires=300',
      dueAt: DUE,
      actionUrl: ACTION,
    });
    expect(page.statusCode).toBe(200);
    expectSafePage(page);
    const b = page.body;
    expect(b).toContain('<html lang="id">');
    expect(b).toContain('name="viewport"');
    expect(b).toContain('<h1>SiCepat: Layanan KTP Keliling</h1>');
    expect(b).toContain('<dt>Kategori</dt><dd>Kesehatan</dd>');
    expect(b).toContain('<dt>Kelompok</dt><dd>Umum</dd>');
    expect(b).toContain('Senin, 14 Juli 2025 pukul 23.59 WIB');
    expect(b).toContain('<p>Layanan jemput bola.<br>Tiap Sabtu.</p><p>Menjangkau 12 desa.</p>');
    expect(b).toContain(
      'href="https://bucket.s3.amazonaws.com/p.pdf?X-Amz-Signature=abc&amp;X-Amz-Expires=300"',
    );
    expect(b).toContain('Kebaruan');
    expect(b.split(ACTION_ATTR).length - 1).toBe(2);
    expect(b.match(/<form method="post"/g)).toHaveLength(2);
    const { hidden } = formFields(b.slice(0, b.indexOf('</form>')));
    expect(hidden).toEqual({ action: 'accept' });
    expect(b).toContain('<input type="hidden" name="action" value="decline">');
    expect(b).toMatch(/<textarea id="reason" name="reason" required minlength="10" maxlength="1000">/);
    expect(b).toContain('Terima dan mulai menilai');
    expect(b).toContain('Tolak permintaan');
  });

  it('speaks English when asked, with English criterion names', () => {
    const page = renderInvitePage({ profile: kipp, lang: 'en', proposal, dueAt: DUE, actionUrl: ACTION });
    expect(page.body).toContain('<html lang="en">');
    expect(page.body).toContain('Monday, 14 July 2025 at 23:59');
    expect(page.body).toContain('Novelty');
    expect(page.body).toContain('Accept and start reviewing');
    expect(page.body).toContain('The file is not available yet');
    expect(page.body).not.toContain('Terima dan mulai menilai');
  });

  it('escapes the title, institution and summary, and never links to a script URL', () => {
    const page = renderInvitePage({
      profile: kipp,
      proposal: evil,
      downloadUrl: 'javascript:alert(document.cookie)',
      dueAt: DUE,
      actionUrl: ACTION,
      reason: hostile.reason,
      errors: [{ field: 'reason', message: { id: hostile.reason, en: hostile.reason } }],
    });
    expectSafePage(page);
    expectEscaped(page.body);
    expect(page.body).toContain(
      '<h1>&lt;script&gt;alert(&#39;judul&#39;)&lt;/script&gt; Layanan &quot;Cepat&quot; &amp; Mudah</h1>',
    );
    expect(page.body).not.toContain('javascript:');
    expect(page.body).toContain('href="#"');
  });

  it('shows why a decline was refused next to the reason, keeping what was typed', () => {
    const result = parseDecision('action=decline&reason=sibuk', 'application/x-www-form-urlencoded', kipp);
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    const page = renderInvitePage({
      profile: kipp,
      proposal,
      dueAt: DUE,
      actionUrl: ACTION,
      errors,
      reason: 'sibuk',
    });
    expect(page.statusCode).toBe(422);
    expect(page.body).toContain(
      '<p class="error" id="reason-error">Mohon tuliskan alasan penolakan (minimal 10 karakter).</p>',
    );
    expect(page.body).toContain('aria-describedby="reason-error">sibuk</textarea>');
  });
});

describe('the score form', () => {
  it('asks for every criterion on the scale of the profile, as required radio buttons', () => {
    for (const profile of [kipp, small]) {
      const page = renderScoreForm({ profile, lang: 'en', proposal, actionUrl: ACTION, dueAt: DUE });
      expect(page.statusCode).toBe(200);
      expectSafePage(page);
      const { hidden, radios } = formFields(page.body);
      expect(hidden).toEqual({ action: 'submit' });
      expect([...radios.keys()]).toEqual(profile.scoring.criteria.map((c) => `scores.${c.id}`));
      const scale: string[] = [];
      for (let v = profile.scoring.scaleMin; v <= profile.scoring.scaleMax; v++) scale.push(String(v));
      for (const values of radios.values()) expect(values).toEqual(scale);
      expect(page.body.match(/<fieldset/g)).toHaveLength(profile.scoring.criteria.length);
      for (const c of profile.scoring.criteria) expect(page.body).toContain(`<legend>${c.name.en} `);
      expect(page.body).toContain(ACTION_ATTR);
      expect(page.body).toMatch(/<textarea id="comment" name="comment" maxlength="4000">/);
    }
  });

  it('shows each criterion weight as its share of the total', () => {
    expect(renderScoreForm({ profile: kipp, lang: 'en', proposal, actionUrl: ACTION }).body).toContain(
      '<legend>Novelty <span class="muted">(weight 25%)</span></legend>',
    );
    // Weights 3 and 1 are 75 % and 25 % of the total.
    const page = renderScoreForm({ profile: small, lang: 'en', proposal, actionUrl: ACTION }).body;
    expect(page).toContain('<legend>Impact <span class="muted">(weight 75%)</span></legend>');
    expect(page).toContain('<legend>Cost Efficiency <span class="muted">(weight 25%)</span></legend>');
  });

  it('posts fields that the decision parser accepts as they are', () => {
    const page = renderScoreForm({ profile: kipp, proposal, actionUrl: ACTION });
    const { hidden, radios } = formFields(page.body);
    const body = new URLSearchParams(hidden);
    for (const [name, values] of radios) body.set(name, values.at(-1) ?? '');
    body.set('comment', 'Inovasi yang baik.');
    const result = parseDecision(body.toString(), 'application/x-www-form-urlencoded', kipp);
    expect(result).toEqual({
      ok: true,
      decision: {
        action: 'submit',
        scores: { kebaruan: 10, efektivitas: 10, kemanfaatan: 10, adaptabilitas: 10, keberlanjutan: 10 },
        comment: 'Inovasi yang baik.',
      },
    });
  });

  it('marks the fields that failed and keeps the answers already given', () => {
    const result = parseDecision(
      'action=submit&scores.kebaruan=7&scores.efektivitas=12&comment=ok',
      'application/x-www-form-urlencoded',
      kipp,
    );
    if (result.ok) throw new Error('expected errors');
    const page = renderScoreForm({
      profile: kipp,
      proposal,
      actionUrl: ACTION,
      errors: result.errors,
      values: { scores: { kebaruan: '7', efektivitas: '12' }, comment: hostile.comment },
    });
    expect(page.statusCode).toBe(422);
    expectEscaped(page.body);
    expect(page.body).toContain('Periksa kembali isian yang ditandai.');
    expect(page.body).toContain('Nilai untuk kriteria Efektivitas harus bilangan bulat dari 1 sampai 10.');
    expect(page.body).toContain('Nilai untuk kriteria Kemanfaatan belum diisi.');
    expect(page.body).toContain('<input type="radio" name="scores.kebaruan" value="7" required checked>');
    expect(page.body.match(/ checked>/g)).toHaveLength(1);
    expect(page.body.match(/<fieldset class="invalid"/g)).toHaveLength(4);
    expect(page.body).toContain('Bagus &lt;/textarea&gt;&lt;script&gt;steal()&lt;/script&gt;</textarea>');
  });
});

describe('the receipt', () => {
  const at = new Date('2025-07-10T02:30:00Z');

  it('confirms submitted scores with the weighted score and the comment', () => {
    const page = renderReceipt({
      profile: kipp,
      lang: 'en',
      proposal,
      decision: {
        action: 'submit',
        at,
        scores: { kebaruan: 8, efektivitas: 6, kemanfaatan: 9, adaptabilitas: 5, keberlanjutan: 7 },
        comment: hostile.comment,
        weightedScore: 69.44,
      },
    });
    expectSafePage(page);
    expectEscaped(page.body);
    expect(page.body).toContain('Your review was received on Thursday, 10 July 2025 at 09:30');
    expect(page.body).toContain('<dt>Novelty</dt><dd>8</dd>');
    expect(page.body).toContain('<strong>69.44</strong> / 100');
  });

  it('confirms a decline with the reason given', () => {
    const page = renderReceipt({
      profile: kipp,
      proposal: evil,
      decision: { action: 'decline', at, reason: hostile.reason },
    });
    expectEscaped(page.body);
    expect(page.body).toContain('Anda menolak permintaan ini pada Kamis, 10 Juli 2025 pukul 09.30 WIB');
    expect(page.body).toContain('Konflik &lt;/textarea&gt;&lt;script&gt;evil()&lt;/script&gt; kepentingan');
  });
});

describe('error pages', () => {
  it.each(ERROR_KINDS)('explains a %s link in both languages with a fitting status code', (kind) => {
    const id = renderErrorPage({ kind, profile: kipp });
    const en = renderErrorPage({ kind, lang: 'en' });
    expect(id.statusCode).toBe(ERROR_STATUS[kind]);
    expect(en.statusCode).toBe(ERROR_STATUS[kind]);
    expectSafePage(id);
    expect(id.body).toContain('<html lang="id">');
    expect(en.body).toContain('<html lang="en">');
    const heading = (p: RenderedPage) => p.body.match(/<h1>([^<]+)<\/h1>/)?.[1];
    expect(heading(id)).toBeTruthy();
    expect(heading(en)).toBeTruthy();
    expect(heading(id)).not.toBe(heading(en));
  });

  it('uses the usual status codes for the common link failures', () => {
    expect(ERROR_STATUS).toMatchObject({
      forged: 403,
      expired: 410,
      used: 409,
      'not-found': 404,
      closed: 410,
    });
  });

  it('says when an already answered task was answered and whom to contact', () => {
    const page = renderErrorPage({
      kind: 'used',
      lang: 'en',
      answeredAt: new Date('2025-07-10T02:30:00Z'),
      contact: 'sekretariat@kipp.example.go.id',
    });
    expect(page.body).toContain('The answer was recorded on Thursday, 10 July 2025 at 09:30');
    expect(page.body).toContain('href="mailto:sekretariat@kipp.example.go.id"');
  });
});
