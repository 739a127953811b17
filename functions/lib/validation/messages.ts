/** Every user-facing validation message, in Bahasa Indonesia and English, with how to fix it. */
import type { LocalizedText } from '../profile';
import type { Issue, IssueCode, Severity } from './types';

export type Params = Record<string, string | number | undefined>;

interface Entry {
  severity: Severity;
  message: (p: Params) => LocalizedText;
  hint: (p: Params) => LocalizedText;
}

const REMAKE: LocalizedText = {
  id: 'Buka dokumen asli di Word atau LibreOffice, simpan ulang sebagai .docx atau ekspor ke PDF, lalu unggah lagi.',
  en: 'Open the original document in Word or LibreOffice, save it again as .docx or export it to PDF, and upload it again.',
};

const CATALOG: Record<IssueCode, Entry> = {
  FILE_EMPTY: {
    severity: 'error',
    message: () => ({ id: 'berkas kosong (0 bita)', en: 'the file is empty (0 bytes)' }),
    hint: () => ({
      id: 'Pastikan proposal sudah disimpan, lalu unggah ulang berkas yang berisi.',
      en: 'Make sure the proposal is saved, then upload the file with its content again.',
    }),
  },
  FILE_TOO_LARGE: {
    severity: 'error',
    message: (p) => ({
      id: `berkas terlalu besar (${p.size}; maksimal ${p.max})`,
      en: `the file is too large (${p.size}; at most ${p.max})`,
    }),
    hint: () => ({
      id: 'Kecilkan berkas: kompres gambar, hapus lampiran dari dokumen (lampiran diunggah terpisah) atau ekspor ke PDF.',
      en: 'Make the file smaller: compress pictures, remove attachments from the document (they are uploaded separately) or export to PDF.',
    }),
  },
  FILE_CORRUPT: {
    severity: 'error',
    message: (p) => ({
      id: `berkas rusak atau terpotong (${p.detail})`,
      en: `the file is damaged or truncated (${p.detail})`,
    }),
    hint: () => REMAKE,
  },
  FORMAT_UNSUPPORTED: {
    severity: 'error',
    message: (p) => ({ id: `${p.whatId} tidak diterima`, en: `${p.whatEn} is not accepted` }),
    hint: (p) => ({ id: String(p.fixId), en: String(p.fixEn) }),
  },
  FORMAT_EXTENSION_MISMATCH: {
    // Refused, not warned: reviewers download the file under its name, and a name that lies about the content
    // makes their computer open it with the wrong program.
    severity: 'error',
    message: (p) => ({
      id: `nama berkas berakhiran .${p.ext} tetapi isinya ${p.format}`,
      en: `the file name ends in .${p.ext} but the content is ${p.format}`,
    }),
    hint: (p) => ({
      id: `Ganti ekstensi nama berkas menjadi .${p.expected} (sesuai isinya), lalu unggah lagi.`,
      en: `Rename the file to end in .${p.expected} (what its content is), then upload it again.`,
    }),
  },
  FORMAT_EXTENSION_UNKNOWN: {
    severity: 'error',
    message: (p) => ({
      id: p.ext ? `ekstensi nama berkas .${p.ext} tidak diterima` : 'nama berkas tidak berekstensi',
      en: p.ext ? `the file name extension .${p.ext} is not accepted` : 'the file name has no extension',
    }),
    hint: () => ({
      id: 'Beri nama berkas dengan ekstensi sesuai isinya: .docx, .pdf, .md, .txt atau .json, lalu unggah lagi.',
      en: 'Name the file with the extension of its content: .docx, .pdf, .md, .txt or .json, then upload it again.',
    }),
  },
  ENCODING_INVALID: {
    severity: 'error',
    message: (p) => ({
      id: `teks bukan UTF-8 yang valid (${p.detailId})`,
      en: `the text is not valid UTF-8 (${p.detailEn})`,
    }),
    hint: () => ({
      id: 'Simpan ulang berkas dengan encoding UTF-8 (Notepad: Simpan Sebagai > Encoding: UTF-8), atau kirim DOCX/PDF.',
      en: 'Save the file again with UTF-8 encoding (Notepad: Save As > Encoding: UTF-8), or send DOCX/PDF.',
    }),
  },
  PDF_NO_TEXT: {
    severity: 'error',
    message: () => ({
      id: 'PDF tidak memiliki lapisan teks (hasil pindaian atau gambar)',
      en: 'the PDF has no text layer (a scan or pictures)',
    }),
    hint: () => ({
      id: 'Ekspor PDF langsung dari Word/LibreOffice atau kirim DOCX; jika hanya ada hasil pindaian, jalankan OCR terlebih dahulu.',
      en: 'Export the PDF straight from Word/LibreOffice or send the DOCX; if all you have is a scan, run OCR on it first.',
    }),
  },
  PDF_ENCRYPTED: {
    severity: 'error',
    message: () => ({ id: 'PDF dilindungi kata sandi', en: 'the PDF is password-protected' }),
    hint: () => ({
      id: 'Simpan ulang PDF tanpa kata sandi atau enkripsi, lalu unggah lagi.',
      en: 'Save the PDF again without a password or encryption, then upload it again.',
    }),
  },
  PDF_TIMEOUT: {
    severity: 'error',
    message: (p) => ({
      id: `PDF terlalu rumit untuk dibaca dalam ${p.seconds} detik`,
      en: `the PDF is too complex to read within ${p.seconds} seconds`,
    }),
    hint: () => REMAKE,
  },
  PDF_ACTIVE_CONTENT: {
    severity: 'error',
    message: (p) => ({ id: `PDF berisi ${p.whatId}`, en: `the PDF contains ${p.whatEn}` }),
    hint: () => ({
      id: 'Ekspor ulang PDF dari Word/LibreOffice (atau cetak ke PDF baru) tanpa lampiran, skrip, formulir isian atau tindakan otomatis; lampiran diunggah terpisah.',
      en: 'Export the PDF again from Word/LibreOffice (or print it to a new PDF) without attachments, scripts, fillable forms or automatic actions; attachments are uploaded separately.',
    }),
  },
  DOCX_MACROS: {
    severity: 'error',
    message: () => ({
      id: 'dokumen Word mengandung makro (.docm)',
      en: 'the Word document contains macros (.docm)',
    }),
    hint: () => ({
      id: 'Di Word pilih Simpan Sebagai > "Dokumen Word (*.docx)" (tanpa makro), lalu unggah berkas .docx itu.',
      en: 'In Word choose Save As > "Word Document (*.docx)" (no macros), then upload that .docx file.',
    }),
  },
  DOCX_ENCRYPTED: {
    severity: 'error',
    message: () => ({
      id: 'dokumen Word dilindungi kata sandi',
      en: 'the Word document is password-protected',
    }),
    hint: () => ({
      id: 'Hapus kata sandi (Word: File > Info > Lindungi Dokumen > Enkripsi dengan Kata Sandi, kosongkan), simpan, lalu unggah lagi.',
      en: 'Remove the password (Word: File > Info > Protect Document > Encrypt with Password, clear it), save and upload again.',
    }),
  },
  DOCX_EXTERNAL_CONTENT: {
    severity: 'error',
    message: (p) => ({
      id: `dokumen Word memuat ${p.whatId} dari luar berkas (${p.target})`,
      en: `the Word document loads ${p.whatEn} from outside the file (${p.target})`,
    }),
    hint: () => ({
      id: 'Lepaskan tautan keluar: Word > Pengembang > Templat Dokumen (kosongkan templat), File > Info > Edit Tautan ke Berkas (putuskan tautan), sisipkan gambar/objek sebagai bagian dokumen; lalu simpan sebagai .docx baru.',
      en: 'Remove the outside links: Word > Developer > Document Template (clear the template), File > Info > Edit Links to Files (break the links), insert pictures/objects into the document; then save as a new .docx.',
    }),
  },
  DOCX_ACTIVE_CONTENT: {
    severity: 'error',
    message: (p) => ({ id: `dokumen Word berisi ${p.whatId}`, en: `the Word document contains ${p.whatEn}` }),
    hint: () => ({
      id: 'Hapus objek tersemat dan kontrol ActiveX (ganti dengan gambar atau teks biasa), lalu simpan sebagai .docx baru; lampiran diunggah terpisah.',
      en: 'Remove embedded objects and ActiveX controls (use a picture or plain text instead), then save as a new .docx; attachments are uploaded separately.',
    }),
  },
  ARCHIVE_TOO_LARGE: {
    severity: 'error',
    message: (p) => ({
      id: `isi arsip DOCX tidak wajar (${p.detailId})`,
      en: `the DOCX archive content is abnormal (${p.detailEn})`,
    }),
    hint: () => ({
      id: 'Simpan ulang dokumen dari Word dan hapus objek tersemat yang besar; lampiran diunggah terpisah.',
      en: 'Save the document again from Word and remove large embedded objects; attachments are uploaded separately.',
    }),
  },
  ARCHIVE_UNSAFE_PATH: {
    severity: 'error',
    message: (p) => ({
      id: `arsip DOCX berisi nama berkas yang tidak aman (${p.name})`,
      en: `the DOCX archive contains an unsafe file name (${p.name})`,
    }),
    hint: () => REMAKE,
  },
  XML_UNSAFE: {
    severity: 'error',
    message: () => ({
      id: 'dokumen berisi deklarasi DTD/entitas XML yang tidak diizinkan',
      en: 'the document contains a forbidden XML DTD/entity declaration',
    }),
    hint: () => REMAKE,
  },
  DOCUMENT_TOO_COMPLEX: {
    severity: 'error',
    message: (p) => ({
      id: `struktur dokumen terlalu rumit (${p.detailId})`,
      en: `the document structure is too complex (${p.detailEn})`,
    }),
    hint: () => ({
      id: 'Sederhanakan dokumen (hindari tabel di dalam tabel berlapis-lapis dan gambar vektor yang sangat rumit), simpan ulang atau ekspor ulang dari Word/LibreOffice, lalu unggah lagi.',
      en: 'Simplify the document (avoid tables nested many levels deep and very complex vector drawings), save or export it again from Word/LibreOffice, and upload it again.',
    }),
  },
  FORM_INVALID: {
    severity: 'error',
    message: (p) => ({
      id: `formulir JSON tidak sesuai (${p.detail})`,
      en: `the JSON form does not match (${p.detail})`,
    }),
    hint: () => ({
      id: 'Gunakan bentuk { "identity": { "Judul": "..." }, "sections": { "Ringkasan": "..." } } dengan nilai berupa teks.',
      en: 'Use the shape { "identity": { "Title": "..." }, "sections": { "Summary": "..." } } with text values.',
    }),
  },
  IDENTITY_MISSING: {
    severity: 'error',
    message: (p) => ({ id: `${p.label} tidak diisi`, en: `${p.labelEn} is missing` }),
    hint: (p) => ({
      id: `Tambahkan baris "${p.label}: ..." pada blok identitas di awal dokumen (atau tabel dua kolom).`,
      en: `Add a line "${p.labelEn}: ..." (or "${p.label}: ...") to the identity block at the start of the document (or a two-column table).`,
    }),
  },
  IDENTITY_UNRECOGNIZED: {
    severity: 'warning',
    message: (p) => ({
      id: `kolom identitas "${p.name}" tidak dikenal`,
      en: `unknown identity field "${p.name}"`,
    }),
    hint: (p) => ({
      id: `Gunakan salah satu kolom: ${p.options}.`,
      en: `Use one of the fields: ${p.options}.`,
    }),
  },
  IDENTITY_TOO_LONG: {
    severity: 'error',
    message: (p) => ({
      id: `${p.label} terlalu panjang (${p.length} karakter; maksimal ${p.max})`,
      en: `${p.labelEn} is too long (${p.length} characters; at most ${p.max})`,
    }),
    hint: (p) => ({
      id: `Tulis ${p.label} dalam satu baris, paling banyak ${p.max} karakter.`,
      en: `Write the ${p.labelEn} on one line, at most ${p.max} characters.`,
    }),
  },
  EMAIL_INVALID: {
    severity: 'error',
    message: (p) => ({
      id: `alamat email tidak valid (${p.value})`,
      en: `invalid email address (${p.value})`,
    }),
    hint: () => ({
      id: 'Tulis satu alamat email lengkap, mis. inovasi@dinkes.example.go.id.',
      en: 'Write one complete email address, e.g. inovasi@dinkes.example.go.id.',
    }),
  },
  PHONE_INVALID: {
    severity: 'error',
    message: (p) => ({
      id: `nomor telepon tidak valid (${p.value})`,
      en: `invalid phone number (${p.value})`,
    }),
    hint: () => ({
      id: 'Tulis nomor Indonesia lengkap dengan kode area, mis. 0812-3456-7890 atau +62 31 5678 123.',
      en: 'Write a full Indonesian number with its area code, e.g. 0812-3456-7890 or +62 31 5678 123.',
    }),
  },
  VIDEO_NOT_YOUTUBE: {
    severity: 'error',
    message: (p) => ({
      id: `tautan video bukan tautan YouTube (${p.value})`,
      en: `the video link is not a YouTube link (${p.value})`,
    }),
    hint: () => ({
      id: 'Unggah video (maks. 3 menit) ke YouTube dan tempel tautannya, mis. https://youtu.be/abcdefghijk.',
      en: 'Upload the video (at most 3 minutes) to YouTube and paste its link, e.g. https://youtu.be/abcdefghijk.',
    }),
  },
  GROUP_UNKNOWN: {
    severity: 'error',
    message: (p) => ({ id: `kelompok "${p.value}" tidak dikenal`, en: `unknown group "${p.value}"` }),
    hint: (p) => ({
      id: `Tulis salah satu kelompok: ${p.options}.`,
      en: `Write one of the groups: ${p.options}.`,
    }),
  },
  CATEGORY_UNKNOWN: {
    severity: 'error',
    message: (p) => ({ id: `kategori "${p.value}" tidak dikenal`, en: `unknown category "${p.value}"` }),
    hint: (p) => ({
      id: `Tulis salah satu kategori: ${p.options}.`,
      en: `Write one of the categories: ${p.options}.`,
    }),
  },
  START_DATE_INVALID: {
    severity: 'error',
    message: (p) => ({
      id: `tanggal mulai tidak dapat dibaca (${p.value})`,
      en: `the start date cannot be read (${p.value})`,
    }),
    hint: () => ({
      id: 'Tulis tanggal seperti 12 Maret 2019, 12-03-2019, 12/03/2019 atau 2019-03-12 (hari, bulan, tahun).',
      en: 'Write the date like 12 Maret 2019, 12 March 2019, 12-03-2019, 12/03/2019 or 2019-03-12 (day, month, year).',
    }),
  },
  START_DATE_IN_FUTURE: {
    severity: 'error',
    message: (p) => ({
      id: `tanggal mulai ${p.date} belum terjadi`,
      en: `the start date ${p.date} is in the future`,
    }),
    hint: () => ({
      id: 'Periksa tahun pada tanggal mulai inovasi.',
      en: 'Check the year of the innovation start date.',
    }),
  },
  INNOVATION_TOO_YOUNG: {
    severity: 'error',
    message: (p) => ({
      id: `inovasi baru dimulai ${p.date}; kelompok ${p.group} mensyaratkan minimal ${p.years} tahun berjalan pada ${p.deadline}`,
      en: `the innovation started on ${p.date}; group ${p.group} requires at least ${p.years} year(s) in operation by ${p.deadline}`,
    }),
    hint: (p) => ({
      id: `Inovasi kelompok ${p.group} harus sudah berjalan sejak ${p.latest} atau lebih awal. Periksa tanggal mulai, atau ajukan pada periode berikutnya.`,
      en: `An innovation of group ${p.group} must have started on ${p.latest} or earlier. Check the start date, or submit in a later round.`,
    }),
  },
  SECTION_MISSING: {
    severity: 'error',
    message: (p) => ({ id: `bagian ${p.name} tidak ada`, en: `section ${p.name} is missing` }),
    hint: (p) => ({
      id: `Tambahkan judul bagian "${p.name}" pada barisnya sendiri (boleh bernomor, mis. "2. ${p.name}"), lalu isinya (maks. ${p.limit} kata).`,
      en: `Add the heading "${p.name}" on its own line (numbering is fine, e.g. "2. ${p.name}"), then its text (at most ${p.limit} words).`,
    }),
  },
  SECTION_EMPTY: {
    severity: 'error',
    message: (p) => ({ id: `bagian ${p.name} kosong`, en: `section ${p.name} is empty` }),
    hint: (p) => ({
      id: `Isi bagian ${p.name} di bawah judulnya (maks. ${p.limit} kata).`,
      en: `Write the ${p.name} section under its heading (at most ${p.limit} words).`,
    }),
  },
  WORD_LIMIT_EXCEEDED: {
    severity: 'error',
    message: (p) => ({
      id: `${p.name} melebihi ${p.limit} kata (${p.words})`,
      en: `${p.name} exceeds ${p.limit} words (${p.words})`,
    }),
    hint: (p) => ({
      id: `Ringkas bagian ${p.name} sebanyak ${p.over} kata agar paling banyak ${p.limit} kata.`,
      en: `Cut ${p.over} words from ${p.name} so that it has at most ${p.limit} words.`,
    }),
  },
  SECTION_DUPLICATE: {
    severity: 'warning',
    message: (p) => ({
      id: `bagian ${p.name} muncul lebih dari sekali`,
      en: `section ${p.name} appears more than once`,
    }),
    hint: () => ({
      id: 'Gabungkan menjadi satu bagian; kata-katanya dihitung bersama.',
      en: 'Merge them into one section; their words are counted together.',
    }),
  },
  SECTION_NOT_IN_GROUP: {
    severity: 'warning',
    message: (p) => ({
      id: `bagian ${p.name} bukan bagian kelompok ${p.group}`,
      en: `section ${p.name} is not part of group ${p.group}`,
    }),
    hint: (p) => ({
      id: `Periksa kelompok yang ditulis; bagian ini tidak dinilai untuk kelompok ${p.group}.`,
      en: `Check the group you wrote; this section is not assessed for group ${p.group}.`,
    }),
  },
  SECTION_UNRECOGNIZED: {
    severity: 'warning',
    message: (p) => ({ id: `bagian "${p.name}" tidak dikenal`, en: `unknown section "${p.name}"` }),
    hint: (p) => ({
      id: `Gunakan nama bagian dari templat: ${p.options}.`,
      en: `Use the section names of the template: ${p.options}.`,
    }),
  },
  DUPLICATE_TITLE: {
    severity: 'error',
    message: (p) => ({
      id: `judul "${p.title}" sudah dipakai proposal lain`,
      en: `the title "${p.title}" is already used by another proposal`,
    }),
    hint: () => ({
      id: 'Setiap proposal harus berjudul unik: ubah judul, atau hubungi sekretariat jika ini unggahan ulang.',
      en: 'Every proposal needs a unique title: change it, or contact the secretariat if this is a re-upload.',
    }),
  },
  QUOTA_EXCEEDED: {
    severity: 'error',
    message: (p) => ({
      id: `kuota kelompok ${p.group} untuk ${p.institution} sudah penuh (${p.quota} proposal)`,
      en: `the group ${p.group} quota of ${p.institution} is full (${p.quota} proposals)`,
    }),
    hint: (p) => ({
      id: `Setiap instansi paling banyak mengajukan ${p.quota} proposal kelompok ${p.group}; koordinasikan dengan admin instansi Anda.`,
      en: `Each institution may submit at most ${p.quota} proposals of group ${p.group}; coordinate with your institution's admin.`,
    }),
  },
  INSTITUTION_NOT_OF_AGENCY: {
    severity: 'error',
    message: (p) => ({
      id: `Instansi "${p.institution}" bukan instansi pengunggah (${p.name}, folder ${p.agency})`,
      en: `the Instansi "${p.institution}" is not the uploading agency (${p.name}, folder ${p.agency})`,
    }),
    hint: (p) => ({
      id: `Tulis nama instansi Anda pada Instansi (${p.known} atau unit kerjanya), atau unggah lewat folder instansi yang benar. Jika nama instansi Anda yang lain belum terdaftar, minta sekretariat menambahkannya sebagai alias.`,
      en: `Write your agency's name as the Instansi (${p.known} or one of its offices), or upload under the right agency's folder. If your agency goes by a name not yet registered, ask the secretariat to add it as an alias.`,
    }),
  },
  AGENCY_NOT_REGISTERED: {
    severity: 'error',
    message: (p) => ({
      id: `instansi ${p.agency} tidak terdaftar dalam daftar instansi peserta`,
      en: `the agency ${p.agency} is not in the registry of submitting agencies`,
    }),
    hint: (p) => ({
      id: `Unggah lewat folder kode instansi Anda yang terdaftar (incoming/<kode>/), atau minta sekretariat mendaftarkan ${p.agency} lalu unggah ulang.`,
      en: `Upload under your agency's registered code (incoming/<code>/), or ask the secretariat to register ${p.agency}, then upload again.`,
    }),
  },
};

export function issue(
  code: IssueCode,
  params: Params = {},
  extra: { section?: string; severity?: Severity } = {},
): Issue {
  const entry = CATALOG[code];
  const result: Issue = {
    code,
    severity: extra.severity ?? entry.severity,
    message: entry.message(params),
    hint: entry.hint(params),
  };
  if (extra.section !== undefined) result.section = extra.section;
  return result;
}

export const ISSUE_CODES = Object.keys(CATALOG) as IssueCode[];

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}
