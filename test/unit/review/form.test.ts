import { describe, expect, it } from 'vitest';
import { decisionFormValues, FORM_LIMITS, parseDecision } from '../../../functions/lib/review/form';
import { kipp, small } from './fixtures';

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const full =
  'scores.kebaruan=8&scores.efektivitas=6&scores.kemanfaatan=9&scores.adaptabilitas=5&scores.keberlanjutan=7';

function errorsOf(result: ReturnType<typeof parseDecision>) {
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.decision)}`);
  return result.errors;
}
const fields = (result: ReturnType<typeof parseDecision>) => errorsOf(result).map((e) => e.field);

describe('reading a reviewer decision', () => {
  it('accepts an invitation', () => {
    expect(parseDecision('action=accept', FORM, kipp)).toEqual({ ok: true, decision: { action: 'accept' } });
    expect(parseDecision('{"action":"accept"}', JSON_TYPE, kipp)).toEqual({
      ok: true,
      decision: { action: 'accept' },
    });
  });

  it('declines with the reason tidied (spaces trimmed, line ends unified, control characters removed)', () => {
    const body = new URLSearchParams({
      action: 'decline',
      reason: '  Konflik kepentingan:\r\nsaya\u0000 pembina instansi ini.  ',
    });
    expect(parseDecision(body.toString(), `${FORM}; charset=UTF-8`, kipp)).toEqual({
      ok: true,
      decision: { action: 'decline', reason: 'Konflik kepentingan:\nsaya pembina instansi ini.' },
    });
  });

  it('submits scores from the form as integers in the profile order, with the comment', () => {
    const body = `action=submit&scores.keberlanjutan=7&${full.replace('&scores.keberlanjutan=7', '')}&comment=Baik+sekali`;
    const result = parseDecision(body, FORM, kipp);
    expect(result).toEqual({
      ok: true,
      decision: {
        action: 'submit',
        scores: { kebaruan: 8, efektivitas: 6, kemanfaatan: 9, adaptabilitas: 5, keberlanjutan: 7 },
        comment: 'Baik sekali',
      },
    });
    if (result.ok && result.decision.action === 'submit') {
      expect(Object.keys(result.decision.scores)).toEqual(kipp.scoring.criteria.map((c) => c.id));
    }
  });

  it('submits scores sent as JSON, the comment being optional', () => {
    const body = JSON.stringify({ action: 'submit', scores: { dampak: 0, biaya: 4 } });
    expect(parseDecision(body, JSON_TYPE, small)).toEqual({
      ok: true,
      decision: { action: 'submit', scores: { dampak: 0, biaya: 4 }, comment: '' },
    });
  });

  it.each([
    ['above the scale', '11'],
    ['below the scale', '0'],
    ['a fraction', '7.5'],
    ['a word', 'tujuh'],
    ['negative', '-3'],
    ['a huge number', '1e9'],
  ])('refuses a score %s, naming the criterion in both languages', (_label, value) => {
    const errors = errorsOf(
      parseDecision(`action=submit&${full.replace('kebaruan=8', `kebaruan=${value}`)}`, FORM, kipp),
    );
    expect(errors).toEqual([
      {
        field: 'scores.kebaruan',
        message: {
          id: 'Nilai untuk kriteria Kebaruan harus bilangan bulat dari 1 sampai 10.',
          en: 'The score for Novelty must be a whole number from 1 to 10.',
        },
      },
    ]);
  });

  it('uses the scale of the competition at hand (0 is valid on a 0-4 scale, 5 is not)', () => {
    expect(parseDecision('action=submit&scores.dampak=0&scores.biaya=4', FORM, small).ok).toBe(true);
    expect(fields(parseDecision('action=submit&scores.dampak=5&scores.biaya=4', FORM, small))).toEqual([
      'scores.dampak',
    ]);
  });

  it('names every criterion left without a score', () => {
    const errors = errorsOf(parseDecision('action=submit&scores.kebaruan=8&scores.kemanfaatan=', FORM, kipp));
    expect(errors.map((e) => e.field)).toEqual([
      'scores.efektivitas',
      'scores.kemanfaatan',
      'scores.adaptabilitas',
      'scores.keberlanjutan',
    ]);
    expect(errors[0]?.message).toEqual({
      id: 'Nilai untuk kriteria Efektivitas belum diisi.',
      en: 'Give a score for Effectiveness.',
    });
    expect(fields(parseDecision('{"action":"submit"}', JSON_TYPE, small))).toEqual([
      'scores.dampak',
      'scores.biaya',
    ]);
  });

  it('refuses a criterion the competition does not have', () => {
    const errors = errorsOf(parseDecision(`action=submit&${full}&scores.popularitas=10`, FORM, kipp));
    expect(errors).toEqual([
      {
        field: 'scores.popularitas',
        message: { id: 'Kriteria "popularitas" tidak dikenal.', en: 'Unknown criterion "popularitas".' },
      },
    ]);
    const json = JSON.stringify({ action: 'submit', scores: { dampak: 1, biaya: 1, __proto__x: 1 } });
    expect(fields(parseDecision(json, JSON_TYPE, small))).toEqual(['scores.__proto__x']);
    const proto = '{"action":"submit","scores":{"dampak":1,"biaya":1,"__proto__":{"x":1}}}';
    expect(fields(parseDecision(proto, JSON_TYPE, small))).toEqual(['scores.__proto__']);
  });

  it('refuses fields the form does not have, and fields sent twice', () => {
    expect(fields(parseDecision('action=accept&token=abc', FORM, kipp))).toEqual(['token']);
    expect(fields(parseDecision('action=decline&reason=cukup+panjang+alasan&comment=x', FORM, kipp))).toEqual(
      ['comment'],
    );
    expect(errorsOf(parseDecision(`action=submit&${full}&scores.kebaruan=2`, FORM, kipp))).toEqual([
      {
        field: 'scores.kebaruan',
        message: {
          id: 'Isian "scores.kebaruan" dikirim lebih dari sekali.',
          en: 'The field "scores.kebaruan" was sent more than once.',
        },
      },
    ]);
  });

  it.each([
    ['no action', 'reason=x'],
    ['an unknown action', 'action=approve'],
    ['two actions', 'action=accept&action=decline'],
  ])('asks for a valid action when given %s', (_label, body) => {
    expect(fields(parseDecision(body, FORM, kipp))).toEqual(['action']);
  });

  it('requires a reason of at least 10 characters to decline, and caps it', () => {
    for (const body of ['action=decline', 'action=decline&reason=', 'action=decline&reason=++++sibuk++++']) {
      expect(errorsOf(parseDecision(body, FORM, kipp))).toEqual([
        {
          field: 'reason',
          message: {
            id: 'Mohon tuliskan alasan penolakan (minimal 10 karakter).',
            en: 'Please give a reason for declining (at least 10 characters).',
          },
        },
      ]);
    }
    const long = new URLSearchParams({
      action: 'decline',
      reason: 'a'.repeat(FORM_LIMITS.maxReasonChars + 1),
    });
    expect(errorsOf(parseDecision(long.toString(), FORM, kipp))[0]?.message.en).toBe(
      'The reason for declining is too long (at most 1000 characters).',
    );
    const exact = new URLSearchParams({ action: 'decline', reason: 'a'.repeat(FORM_LIMITS.maxReasonChars) });
    expect(parseDecision(exact.toString(), FORM, kipp).ok).toBe(true);
  });

  it('caps the comment length', () => {
    const ok = `action=submit&${full}&comment=${'b'.repeat(FORM_LIMITS.maxCommentChars)}`;
    expect(parseDecision(ok, FORM, kipp).ok).toBe(true);
    const errors = errorsOf(parseDecision(`${ok}b`, FORM, kipp));
    expect(errors).toEqual([
      {
        field: 'comment',
        message: {
          id: 'Catatan terlalu panjang (maksimal 4000 karakter).',
          en: 'The comment is too long (at most 4000 characters).',
        },
      },
    ]);
    expect(
      fields(
        parseDecision('{"action":"submit","scores":{"dampak":1,"biaya":1},"comment":5}', JSON_TYPE, small),
      ),
    ).toEqual(['comment']);
  });

  it('refuses a body over 16 KB before reading it', () => {
    const body = `action=submit&${full}&comment=${'%C3%A9'.repeat(3000)}`;
    expect(Buffer.byteLength(body)).toBeGreaterThan(FORM_LIMITS.maxBodyBytes);
    expect(errorsOf(parseDecision(body, FORM, kipp))).toEqual([
      {
        field: 'body',
        message: {
          id: 'Kiriman terlalu besar (maksimal 16 KB). Persingkat catatan Anda.',
          en: 'The request is too large (at most 16 KB). Please shorten your comment.',
        },
      },
    ]);
  });

  it.each([
    ['no content type', undefined],
    ['multipart form data', 'multipart/form-data; boundary=x'],
    ['plain text', 'text/plain'],
    ['XML', 'application/xml'],
    ['a form in another charset', `${FORM}; charset=iso-8859-1`],
  ])('refuses a request with %s', (_label, contentType) => {
    expect(fields(parseDecision('action=accept', contentType, kipp))).toEqual(['content-type']);
  });

  it('reads content types case-insensitively, with parameters', () => {
    expect(
      parseDecision('action=accept', 'Application/X-WWW-Form-Urlencoded; Charset="UTF-8"', kipp).ok,
    ).toBe(true);
    expect(parseDecision('{"action":"accept"}', 'application/json;charset=utf-8', kipp).ok).toBe(true);
  });

  it.each([
    ['empty', '', FORM, 'The request is empty.'],
    ['missing', undefined, FORM, 'The request is empty.'],
    ['broken JSON', '{"action":', JSON_TYPE, 'The request is not valid JSON.'],
    ['a JSON list', '["accept"]', JSON_TYPE, 'The JSON request must be an object.'],
    ['JSON null', 'null', JSON_TYPE, 'The JSON request must be an object.'],
  ])('explains a body that is %s', (_label, body, type, message) => {
    expect(errorsOf(parseDecision(body, type, kipp))).toEqual([
      { field: 'body', message: expect.objectContaining({ en: message }) },
    ]);
  });
});

describe('reading back what a reviewer typed', () => {
  it('keys form scores by criterion id so a refused form can be shown again as it was', () => {
    expect(
      decisionFormValues('action=submit&scores.kebaruan=12&scores.efektivitas=6&comment=Baik', FORM),
    ).toEqual({
      reason: undefined,
      comment: 'Baik',
      scores: { kebaruan: '12', efektivitas: '6' },
    });
    expect(decisionFormValues('action=decline&reason=no', FORM)).toEqual({
      reason: 'no',
      comment: undefined,
      scores: {},
    });
  });

  it('reads JSON bodies too, and gives nothing for unreadable or oversized ones', () => {
    expect(
      decisionFormValues('{"action":"submit","scores":{"dampak":7,"biaya":"x"},"comment":"c"}', JSON_TYPE),
    ).toEqual({
      reason: undefined,
      comment: 'c',
      scores: { dampak: '7', biaya: 'x' },
    });
    expect(decisionFormValues('{"action":', JSON_TYPE)).toEqual({ scores: {} });
    expect(decisionFormValues('action=submit', 'text/plain')).toEqual({ scores: {} });
    expect(decisionFormValues(`comment=${'a'.repeat(FORM_LIMITS.maxBodyBytes)}`, FORM)).toEqual({
      scores: {},
    });
  });
});
