/** The invitation email of an agency's contacts: what the portal is for and the signed link that opens it. */
import { DEFAULT_LANG, formatDateTime, type Lang, type Text, tr } from '../i18n';
import { type RenderedEmail, renderEmail } from '../review/emails/render';
import type { ReviewProfile } from '../review/profile';

export interface InvitationInput {
  profile: Pick<ReviewProfile, 'id' | 'name'> & { timeZone?: string };
  lang?: Lang;
  agencyName: string;
  /** The signed portal link. */
  url: string;
  closesAt: Date;
  expiresAt: Date;
}

const T = {
  subject: { id: 'Undangan portal pengusul: {agency}', en: 'Your submitters’ portal: {agency}' },
  preheader: {
    id: 'Periksa draf dan kirim proposal tanpa akun, dari tautan ini.',
    en: 'Check drafts and submit proposals without an account, from this link.',
  },
  heading: { id: 'Portal pengusul {agency}', en: '{agency}’s submitters’ portal' },
  intro: {
    id: 'Melalui portal ini instansi Anda dapat memeriksa draf proposal (hasilnya langsung tampil, lengkap dengan cara memperbaikinya), mengirim proposal, dan mengikuti statusnya. Tidak perlu akun atau kata sandi: tautan di bawah ini adalah kunci instansi Anda.',
    en: 'Through this portal your agency checks draft proposals (the result shows at once, with how to fix each issue), submits proposals and follows their status. No account or password is needed: the link below is your agency’s key.',
  },
  button: { id: 'Buka portal', en: 'Open the portal' },
  fallback: {
    id: 'Jika tombol tidak berfungsi, salin alamat ini ke peramban:',
    en: 'If the button does not work, copy this address into your browser:',
  },
  closes: { id: 'Batas pengiriman', en: 'Submissions close' },
  valid: { id: 'Tautan berlaku sampai', en: 'The link works until' },
  keep: {
    id: 'Jaga kerahasiaan tautan ini dan bagikan hanya kepada pengelola proposal di instansi Anda. Bila tautan tersebar, minta panitia mencabutnya dan mengirim undangan baru.',
    en: 'Keep this link private and share it only with the people handling proposals in your agency. If it spreads, ask the organisers to revoke it and send a new invitation.',
  },
} satisfies Record<string, Text>;

const fill = (text: Text, lang: Lang, agency: string) => tr(text, lang).replace('{agency}', agency);

export function invitationEmail(input: InvitationInput): RenderedEmail {
  const lang = input.lang ?? DEFAULT_LANG;
  const tz = input.profile.timeZone;
  // The agency's name is a single line of the registry: no line break can add a paragraph.
  const agency = input.agencyName.replace(/[\r\n\t]+/g, ' ').trim();
  return renderEmail(
    {
      subject: fill(T.subject, lang, agency),
      preheader: tr(T.preheader, lang),
      heading: fill(T.heading, lang, agency),
      blocks: [
        { kind: 'paragraph', text: tr(T.intro, lang) },
        {
          kind: 'facts',
          rows: [
            { label: tr(T.closes, lang), value: formatDateTime(input.closesAt, lang, tz) },
            { label: tr(T.valid, lang), value: formatDateTime(input.expiresAt, lang, tz) },
          ],
        },
        { kind: 'button', label: tr(T.button, lang), href: input.url, fallback: tr(T.fallback, lang) },
        { kind: 'note', text: tr(T.keep, lang) },
      ],
    },
    { profile: input.profile, lang },
  );
}
