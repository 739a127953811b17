import { describe, expect, it } from 'vitest';
import type { Lang } from '../../../functions/lib/i18n';
import {
  fixAdvice,
  opsNeedsReviewersEmail,
  opsReviewedEmail,
  type RenderedEmail,
  reminderEmail,
  reviewTaskEmail,
  submitterReceivedEmail,
  submitterRejectedEmail,
  submitterResultEmail,
  type ValidationIssue,
} from '../../../functions/lib/review/emails';
import { expectEscaped, externalAssets, hostile, kipp, small } from './fixtures';

const LINK = `https://api.example.org/review?r=AbCdEfGhIjKlMnOpQrStUvWx&e=1752000000&s=${'x'.repeat(43)}`;
const DUE = new Date('2025-07-14T16:59:00Z'); // Monday 14 July 2025, 23:59 WIB
const proposal = {
  id: 'p-123',
  title: 'SiCepat: Layanan KTP Keliling',
  institution: 'Dinas Dukcapil Kabupaten Sleman',
  category: 'tata-kelola',
  group: 'umum',
};
const evil = { ...proposal, title: hostile.title, institution: hostile.institution };
const issues: ValidationIssue[] = [
  {
    code: 'WORD_LIMIT_EXCEEDED',
    severity: 'warning',
    section: 'ringkasan',
    message: { id: 'Ringkasan 250 kata, batasnya 200.', en: 'Summary has 250 words; the limit is 200.' },
    hint: { id: 'Hapus 50 kata dari Ringkasan.', en: 'Remove 50 words from the Summary.' },
  },
  {
    code: 'SECTION_MISSING',
    severity: 'error',
    section: 'signifikansi',
    message: { id: 'Bagian Signifikansi tidak ditemukan.', en: 'The Significance section is missing.' },
  },
];

/** Every renderer, with the hostile fixture in each value a person typed. */
function allEmails(lang: Lang, p = evil): Record<string, RenderedEmail> {
  const ctx = { profile: kipp, lang };
  return {
    reviewTask: reviewTaskEmail({
      ...ctx,
      reviewerName: hostile.reviewerName,
      proposal: p,
      dueAt: DUE,
      link: LINK,
    }),
    reminderBefore: reminderEmail({
      ...ctx,
      reviewerName: hostile.reviewerName,
      proposal: p,
      dueAt: DUE,
      now: new Date('2025-07-11T09:00:00Z'),
      link: LINK,
      kind: 'before',
      taskStatus: 'PENDING',
    }),
    reminderOverdue: reminderEmail({
      ...ctx,
      reviewerName: hostile.reviewerName,
      proposal: p,
      dueAt: DUE,
      now: new Date('2025-07-15T09:00:00Z'),
      link: LINK,
      kind: 'overdue',
      taskStatus: 'ACCEPTED',
    }),
    received: submitterReceivedEmail({ ...ctx, proposal: p, receivedAt: DUE, fileName: hostile.title }),
    rejected: submitterRejectedEmail({
      ...ctx,
      proposal: p,
      issues: [
        ...issues,
        { code: 'X', severity: 'error', message: { id: hostile.issueMessage, en: hostile.issueMessage } },
      ],
    }),
    result: submitterResultEmail({ ...ctx, proposal: p, result: { score: 78.5, reviews: 3 } }),
    needsReviewers: opsNeedsReviewersEmail({
      ...ctx,
      proposal: p,
      gap: hostile.gap,
      needed: 3,
      assigned: 1,
      commands: [`proposals resume ${hostile.title}`],
    }),
    reviewed: opsReviewedEmail({
      ...ctx,
      proposal: p,
      result: { score: 75, mean: 75, spread: 30, stdev: 12.5, reviews: 3, disagreement: true },
      reviews: [{ reviewerName: hostile.reviewerName, score: 60, comment: hostile.comment }],
    }),
  };
}

describe('emails', () => {
  for (const lang of ['id', 'en'] as const) {
    describe(`in ${lang === 'id' ? 'Indonesian' : 'English'}`, () => {
      const emails = allEmails(lang);

      it.each(Object.keys(emails))('escapes markup typed by people in the %s email', (name) => {
        const email = emails[name] as RenderedEmail;
        expectEscaped(email.html);
        expect(email.html).toContain('&lt;script&gt;');
        // Plain text is not HTML: people's values appear as typed.
        expect(email.text).toContain(hostile.title);
      });

      it.each(Object.keys(emails))(
        'makes the %s email self-contained, labelled with its language',
        (name) => {
          const email = emails[name] as RenderedEmail;
          expect(externalAssets(email.html)).toEqual([]);
          expect(email.html).toContain(`<html lang="${lang}">`);
          expect(email.html).toContain('name="viewport"');
          expect(email.html).toContain('max-width:600px');
          expect(email.html).not.toMatch(/<style|class="/);
          expect(email.subject.startsWith('[KIPP] ')).toBe(true);
          expect(email.subject).not.toMatch(/[\r\n]/);
          expect(email.text.length).toBeGreaterThan(100);
          expect(email.text).not.toMatch(/<\/?(p|td|table|a)\b/);
        },
      );
    });
  }

  it('shows a title that fakes a new paragraph and a link as one line with no link, above the real button only', () => {
    const phishing =
      'Sistem Antrean\r\n\r\nTUGAS PENILAIAN BARU: buka https://kipp-review.example.net/login?x=1 atau www.evil.example sekarang\u202e';
    const email = reviewTaskEmail({
      profile: kipp,
      reviewerName: 'Budi\nhttps://evil.example',
      proposal: {
        ...proposal,
        title: phishing,
        institution: 'Dinas\u001b]8;;https://evil.example\u0007Kota',
      },
      dueAt: DUE,
      link: LINK,
    });
    const shown =
      'Sistem Antrean TUGAS PENILAIAN BARU: buka https[:]//kipp-review[.]example[.]net/login?x=1 atau www[.]evil[.]example sekarang';

    // Plain text: the title is one line of its facts row, and the only URL is the system's link.
    expect(email.text).toContain(`Judul: ${shown}\n`);
    expect(new Set(email.text.match(/https?:\/\/\S+/g))).toEqual(new Set([LINK]));
    expect(email.text).not.toMatch(/evil\.example|example\.net/);
    expect(email.text).not.toContain('\u001b');
    expect(email.text).not.toContain('\u202e');
    expect(email.text).toContain('Budi https[:]//evil[.]example');
    // HTML: one <a> per place the system put its link, no paragraph or line break from the title.
    const anchors = [...email.html.matchAll(/<a\s[^>]*href="([^"]*)"/g)].map((m) =>
      m[1]?.replace(/&amp;/g, '&'),
    );
    expect(new Set(anchors)).toEqual(new Set([LINK]));
    expect(email.html).toContain(shown);
    expect(email.html).not.toMatch(/Antrean\s*<br>|evil\.example|example\.net/);
  });

  it('keeps a title with line breaks from adding mail headers', () => {
    const email = reviewTaskEmail({
      profile: kipp,
      reviewerName: 'Budi',
      proposal: { ...proposal, title: 'Judul\r\nBcc: semua@contoh.id' },
      dueAt: DUE,
      link: LINK,
    });
    expect(email.subject).toBe('[KIPP] Permintaan penilaian: Judul Bcc: semua@contoh[.]id');
  });

  it('invites a reviewer in Indonesian by default with the facts, the due date, the criteria and one link', () => {
    const email = reviewTaskEmail({
      profile: kipp,
      reviewerName: 'Dr. Sari',
      proposal,
      dueAt: DUE,
      link: LINK,
    });
    expect(email.subject).toBe('[KIPP] Permintaan penilaian: SiCepat: Layanan KTP Keliling');
    for (const part of [
      'Yth. Bapak/Ibu Dr. Sari,',
      'Dinas Dukcapil Kabupaten Sleman',
      'Tata Kelola Pemerintahan',
      'Umum',
      'Senin, 14 Juli 2025 pukul 23.59 WIB',
      'Terima atau tolak',
      'beri nilai 1 sampai 10',
      'Kebaruan, Efektivitas, Kemanfaatan, Adaptabilitas, Keberlanjutan',
      LINK,
    ]) {
      expect(email.text).toContain(part);
    }
    const hrefs = [...email.html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]?.replaceAll('&amp;', '&'));
    expect(new Set(hrefs)).toEqual(new Set([LINK]));
    expect(email.text.split(LINK).length - 1).toBe(1);
  });

  it('invites a reviewer in English with English criterion names and date', () => {
    const email = reviewTaskEmail({
      profile: kipp,
      lang: 'en',
      reviewerName: 'Dr. Sari',
      proposal,
      dueAt: DUE,
      link: LINK,
      linkExpiresAt: new Date('2025-07-17T16:59:00Z'),
    });
    expect(email.subject).toBe('[KIPP] Review request: SiCepat: Layanan KTP Keliling');
    expect(email.text).toContain('Dear Dr. Sari,');
    expect(email.text).toContain('Monday, 14 July 2025 at 23:59');
    expect(email.text).toContain(
      'from 1 to 10 (Novelty, Effectiveness, Benefit, Adaptability, Sustainability)',
    );
    expect(email.text).toContain('The link works until Thursday, 17 July 2025');
    expect(email.text).not.toContain('Kebaruan');
  });

  it('states the scale and criteria of the competition the proposal belongs to', () => {
    const email = reviewTaskEmail({
      profile: small,
      lang: 'en',
      reviewerName: 'A',
      proposal: { title: 'T', category: 'kesehatan', group: 'replikasi' },
      dueAt: DUE,
      link: LINK,
    });
    expect(email.text).toContain('from 0 to 4 (Impact, Cost Efficiency)');
    expect(email.subject.startsWith('[LOMBA-MINI] ')).toBe(true);
    expect(email.html).toContain('Lomba Inovasi Mini &lt;Uji&gt;');
    expect(email.text).toContain('Replikasi');
  });

  it('reminds before the due date how many days remain, and asks an unanswered invitee to answer', () => {
    const base = {
      profile: kipp,
      reviewerName: 'Budi',
      proposal,
      dueAt: DUE,
      link: LINK,
      kind: 'before' as const,
    };
    const id = reminderEmail({ ...base, now: new Date('2025-07-11T17:00:00Z'), taskStatus: 'PENDING' });
    expect(id.subject).toBe(
      '[KIPP] Pengingat: penilaian "SiCepat: Layanan KTP Keliling" jatuh tempo dalam 3 hari',
    );
    expect(id.text).toContain('Anda belum menjawab permintaan ini');
    const en = reminderEmail({
      ...base,
      lang: 'en',
      now: new Date('2025-07-13T17:00:00Z'),
      taskStatus: 'ACCEPTED',
    });
    expect(en.subject).toContain('due in 1 day');
    expect(en.text).toContain('Please score each criterion');
    const today = reminderEmail({ ...base, lang: 'en', now: DUE, taskStatus: 'ACCEPTED' });
    expect(today.subject).toContain('due today');
  });

  it('tells an overdue reviewer until when the grace period runs', () => {
    const base = {
      profile: kipp,
      reviewerName: 'Budi',
      proposal,
      dueAt: DUE,
      link: LINK,
      kind: 'overdue' as const,
    };
    const id = reminderEmail({ ...base, now: new Date('2025-07-15T03:00:00Z'), taskStatus: 'ACCEPTED' });
    expect(id.subject).toBe('[KIPP] Penilaian terlambat: SiCepat: Layanan KTP Keliling');
    // KIPP grants 2 grace days.
    expect(id.text).toContain('hingga Rabu, 16 Juli 2025 pukul 23.59 WIB');
    const en = reminderEmail({ ...base, profile: small, lang: 'en', now: new Date(), taskStatus: 'PENDING' });
    expect(en.text).toContain('until Tuesday, 15 July 2025');
    expect(en.text).toContain('You have not answered this request yet');
  });

  it('acknowledges an upload with its reference and time', () => {
    const id = submitterReceivedEmail({
      profile: kipp,
      proposal,
      receivedAt: new Date('2025-06-30T10:15:00Z'),
      fileName: 'proposal.docx',
    });
    expect(id.subject).toBe('[KIPP] Proposal diterima: SiCepat: Layanan KTP Keliling');
    expect(id.text).toContain('Nomor proposal: p-123');
    // An uploader's file name is document text: its name cannot become a link (.zip, .md are domains too).
    expect(id.text).toContain('Berkas: proposal[.]docx');
    expect(id.text).toContain('Senin, 30 Juni 2025 pukul 17.15 WIB');
    const en = submitterReceivedEmail({
      profile: kipp,
      lang: 'en',
      proposal: { id: 'p-9' },
      receivedAt: DUE,
      fileName: 'x.pdf',
    });
    expect(en.subject).toBe('[KIPP] Proposal received: x[.]pdf');
    expect(en.text).toContain('Reference: p-9');
  });

  it('lists the problems of a rejected proposal, blocking ones first, each with how to fix it', () => {
    const id = submitterRejectedEmail({ profile: kipp, proposal, issues });
    expect(id.subject).toBe('[KIPP] Proposal perlu diperbaiki: SiCepat: Layanan KTP Keliling');
    const missing = id.text.indexOf('Bagian Signifikansi tidak ditemukan.');
    const words = id.text.indexOf('Ringkasan 250 kata, batasnya 200.');
    expect(missing).toBeGreaterThan(0);
    expect(words).toBeGreaterThan(missing);
    expect(id.text).toContain('[Wajib diperbaiki] Signifikansi');
    expect(id.text).toContain('Tambahkan bagian "Signifikansi"');
    expect(id.text).toContain('[Saran] Ringkasan');
    expect(id.text).toContain('Hapus 50 kata dari Ringkasan.');
    expect(id.text).toContain('karena 1 masalah berikut');
    expect(id.text).toContain('Senin, 30 Juni 2025 pukul 23.59 WIB');

    const en = submitterRejectedEmail({ profile: kipp, lang: 'en', proposal, issues });
    expect(en.text).toContain('[Must fix] Signifikansi');
    expect(en.text).toContain('The Significance section is missing.');
    expect(en.text).toContain('Add the "Signifikansi" section');
    expect(en.text).toContain('Remove 50 words from the Summary.');
  });

  it('falls back to general advice for an issue code it has no advice for', () => {
    const issue: ValidationIssue = {
      code: 'PDF_ENCRYPTED',
      severity: 'error',
      message: { id: 'a', en: 'b' },
    };
    expect(fixAdvice(issue, kipp, 'id')).toBe(
      'Perbaiki hal di atas pada berkas proposal, lalu unggah ulang.',
    );
    expect(fixAdvice({ ...issue, code: 'DUPLICATE_TITLE' }, kipp, 'en')).toMatch(
      /^Another proposal already has/,
    );
  });

  it('gives the submitter the final score out of 100 and the status, with the local decimal separator', () => {
    const id = submitterResultEmail({ profile: kipp, proposal, result: { score: 78.5, reviews: 3 } });
    expect(id.subject).toBe('[KIPP] Hasil penilaian: SiCepat: Layanan KTP Keliling');
    expect(id.text).toContain('Nilai akhir: 78,50 dari 100');
    expect(id.text).toContain('Jumlah penilaian: 3');
    expect(id.text).toContain('Status: Selesai dinilai');
    const en = submitterResultEmail({
      profile: kipp,
      lang: 'en',
      proposal,
      result: { score: 78.5, reviews: 2 },
    });
    expect(en.text).toContain('Final score: 78.50 out of 100');
    expect(en.text).toContain('Status: Reviewed');
  });

  it('tells ops what reviewers are missing and how to resume', () => {
    const email = opsNeedsReviewersEmail({
      profile: kipp,
      lang: 'en',
      proposal,
      gap: { id: 'Kurang 2 penilai Kesehatan', en: '2 more reviewers with Health expertise' },
      needed: 3,
      assigned: 1,
      commands: ['proposals resume p-123'],
    });
    expect(email.subject).toBe('[KIPP] Reviewers needed: SiCepat: Layanan KTP Keliling');
    expect(email.text).toContain('Reviewers: 1 of 3 needed');
    expect(email.text).toContain('Gap: 2 more reviewers with Health expertise');
    expect(email.text).toContain('    proposals resume p-123');
    expect(email.html).toContain('<pre');
  });

  it('flags reviewer disagreement to ops only when the result says so', () => {
    const base = { profile: kipp, proposal };
    const split = opsReviewedEmail({
      ...base,
      result: { score: 70, mean: 70, spread: 32.5, stdev: 14, reviews: 3, disagreement: true },
      reviews: [
        { reviewerName: 'Sari', score: 55, comment: 'Kurang data.\nPerlu bukti.' },
        { reviewerName: 'Budi', score: 87.5 },
      ],
    });
    expect(split.subject).toBe(
      '[KIPP] Selesai dinilai: SiCepat: Layanan KTP Keliling (70,00) - nilai berbeda jauh',
    );
    expect(split.text).toContain('selisihnya 32,50 poin, melebihi ambang 20');
    expect(split.text).toContain('Penilai: Sari\nNilai: 55,00\nCatatan: Kurang data.\nPerlu bukti.');
    expect(split.html).toContain('Kurang data.<br>Perlu bukti.');
    const calm = opsReviewedEmail({
      ...base,
      lang: 'en',
      result: { score: 70, mean: 70, spread: 5, reviews: 2, disagreement: false },
    });
    expect(calm.subject).toBe('[KIPP] Reviewed: SiCepat: Layanan KTP Keliling (70.00)');
    expect(calm.text).not.toContain('disagree');
  });

  it('names a proposal without a title as untitled', () => {
    const email = submitterResultEmail({
      profile: kipp,
      lang: 'en',
      proposal: { id: 'p' },
      result: { score: 1, reviews: 1 },
    });
    expect(email.subject).toBe('[KIPP] Review result: (untitled)');
  });
});
