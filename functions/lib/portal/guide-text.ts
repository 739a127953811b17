/**
 * The fixed words of the submitters' guide, in Bahasa Indonesia and English. Everything a competition decides
 * (groups, sections, limits, fields, formats, deadline) comes from the profile in guide.ts; what is here
 * describes how the check reads a document, which is the same for every competition.
 * `{name}` marks a value guide.ts fills in; `**…**` and `` `…` `` mark bold and code in both renderings.
 */
import type { Text } from '../i18n';
import type { FileFormat, IdentityFieldId } from '../profile';

export const GUIDE_TEXT = {
  title: { id: 'Panduan format proposal', en: 'Proposal format guide' },
  otherLanguage: { id: 'Read this guide in English', en: 'Baca panduan ini dalam Bahasa Indonesia' },
  intro: {
    id: 'Panduan ini menjelaskan cara menulis berkas proposal {competition} agar dapat dibaca oleh pemeriksaan otomatis (validasi). Semua batas dan nama bagian di bawah ini diambil dari aturan kompetisi yang sama dengan yang dipakai pemeriksaan, sehingga keduanya selalu sama.',
    en: 'This guide explains how to write a {competition} proposal file so that the automatic check (validation) can read it. Every limit and section name below is taken from the same competition rules the check uses, so the two always agree.',
  },
  deadline: {
    id: 'Batas pengiriman: **{deadline}**. Sesudah itu portal tidak menerima unggahan.',
    en: 'Submission deadline: **{deadline}**. After it the portal accepts no uploads.',
  },
  checkDraft: {
    id: 'Sebelum mengirim, periksa draf Anda di portal pengusul: buka portal dari tautan undangan di email instansi Anda, pilih **Periksa draf**, lalu pilih berkasnya. Laporan muncul seketika (setiap masalah beserta cara memperbaikinya, dan jumlah kata setiap bagian terhadap batasnya); tidak ada yang terkirim. Pemeriksaan yang sama dijalankan lagi ketika Anda mengirim proposal.',
    en: "Before you submit, check your draft on the submitters' portal: open the portal from the invitation link in your agency's email, choose **Check a draft** (Periksa draf), then choose the file. The report appears at once (every problem with how to fix it, and the words of each section against its limit); nothing is submitted. The very same check runs again when you submit the proposal.",
  },
  portalLimits: {
    id: 'Setiap instansi dapat memeriksa paling banyak **{drafts} draf** dan mengirim paling banyak **{submissions} proposal** per jam. Formulir unggah berlaku {minutes} menit sejak halamannya dibuka; setelah itu muat ulang halaman.',
    en: 'Each agency can check at most **{drafts} drafts** and submit at most **{submissions} proposals** an hour. An upload form works for {minutes} minutes after its page opens; after that, reload the page.',
  },
  templates: {
    id: 'Templat yang lolos pemeriksaan, satu untuk setiap kelompok, dapat diunduh di beranda portal. Mulailah dari templat kelompok Anda.',
    en: "Templates that pass the check, one for each group, can be downloaded from the portal's home page. Start from the one of your group.",
  },
  contents: { id: 'Isi panduan', en: 'Contents' },

  filesHeading: { id: '1. Berkas', en: '1. Files' },
  filesAccepted: { id: 'Format yang diterima:', en: 'Accepted formats:' },
  filesSize: {
    id: 'Ukuran berkas paling besar **{max}**. Lampiran (SK, standar pelayanan, surat pernyataan) diunggah terpisah, tidak dimasukkan ke dalam proposal.',
    en: 'The largest file accepted is **{max}**. Attachments (decree/SK, service standard, declarations) are uploaded separately, not inside the proposal.',
  },
  filesDetected: {
    id: 'Format dikenali dari isi berkas, bukan dari namanya: DOCX yang diberi nama `.pdf` tetap dibaca sebagai DOCX, dengan peringatan agar namanya diganti.',
    en: "The format is recognised from the file's content, not its name: a DOCX named `.pdf` is still read as DOCX, with a warning to rename it.",
  },
  filesNamed: {
    id: 'Format dikenali dari isi berkas, dan nama berkas harus berakhiran sesuai isinya ({extensions}): DOCX yang diberi nama `.pdf` ditolak dengan permintaan mengganti namanya, karena penilai membuka berkas menurut namanya.',
    en: "The format is recognised from the file's content, and the file name must end as its content is ({extensions}): a DOCX named `.pdf` is refused with a request to rename it, since reviewers open the file by its name.",
  },
  filesRefused: {
    id: 'Tidak diterima: dokumen Word lama (`.doc`), Word dengan makro (`.docm`), foto atau gambar, PDF hasil pindaian tanpa teks, berkas yang dilindungi kata sandi, arsip ZIP, lembar kerja dan presentasi. Apa yang harus dilakukan untuk masing-masing ada pada daftar kode di nomor 5.',
    en: 'Not accepted: legacy Word documents (`.doc`), Word with macros (`.docm`), photos or pictures, scanned PDFs without text, password-protected files, ZIP archives, spreadsheets and presentations. Part 5 says what to do for each.',
  },

  identityHeading: { id: '2. Blok identitas', en: '2. The identity block' },
  identityIntro: {
    id: 'Tulis identitas di **awal** dokumen, sebelum bagian pertama, sebagai baris `Label: isi` atau sebagai tabel dua kolom (label | isi). Huruf besar-kecil pada label tidak berpengaruh; setiap label di bawah ini diterima.',
    en: 'Put the identity at the **start** of the document, before the first section, as `Label: value` lines or as a two-column table (label | value). Labels are matched regardless of case; every label below is accepted.',
  },
  exampleHeading: { id: 'Contoh', en: 'Example' },
  categoriesHeading: { id: 'Kategori', en: 'Categories' },
  categoriesIntro: {
    id: 'Tulis salah satu kategori berikut (nama lain dalam kurung juga diterima):',
    en: 'Write one of these categories (the other names in brackets are accepted too):',
  },
  datesHeading: { id: 'Tanggal', en: 'Dates' },
  datesIntro: {
    id: 'Tulis hari lebih dulu, seperti kebiasaan di Indonesia: `12 Maret 2019`, `12-03-2019`, `12/03/2019`, `12.03.2019`, atau ISO `2019-03-12`. Nama bulan Indonesia dan Inggris beserta singkatannya (`Agt`, `Okt`, `Des`...) dapat dibaca; nama hari di depan ("Selasa, 12 Maret 2019") diabaikan. Tanggal di masa depan ditolak.',
    en: 'Day first, as Indonesians write dates: `12 Maret 2019`, `12-03-2019`, `12/03/2019`, `12.03.2019` or ISO `2019-03-12`. Indonesian and English month names and their short forms (`Agt`, `Okt`, `Des`...) are read; a weekday in front ("Selasa, 12 Maret 2019") is ignored. A start date in the future is refused.',
  },

  sectionsHeading: { id: '3. Kelompok, bagian dan batas kata', en: '3. Groups, sections and word limits' },
  sectionsIntro: {
    id: 'Setiap bagian diawali judulnya **pada barisnya sendiri**: gaya judul Word (Heading 1/2/3, "Judul 1"...), judul Markdown (`## Ringkasan`), atau cukup satu baris pendek berisi nama bagian. Huruf besar-kecil, aksen, penomoran (`1.`, `A.`, `II.`, `2.1`), titik dua di akhir, dan catatan dalam kurung (`Ringkasan (maks. 200 kata)`) tidak berpengaruh. Nama lain di bawah ini juga diterima. Subjudul di dalam bagian boleh dipakai dan kata-katanya ikut dihitung; judul lain yang tidak dikenal pada tingkat yang sama (mis. `## Lampiran`) mengakhiri bagian.',
    en: 'Each section starts with its heading **on its own line**: a Word heading style (Heading 1/2/3, "Judul 1"...), a Markdown heading (`## Ringkasan`), or simply a short line with the section name. Case, accents, numbering (`1.`, `A.`, `II.`, `2.1`), a trailing colon and a note in brackets (`Ringkasan (maks. 200 kata)`) do not matter. The other names below are accepted too. Sub-headings inside a section are fine and their words count for it; an unrelated heading at the same level (e.g. `## Lampiran`) ends the section.',
  },
  wordsIntro: {
    id: 'Kata dihitung seperti di Word: setiap rangkaian karakter di antara spasi yang berisi huruf atau angka ("masing-masing" dihitung satu kata). Teks di dalam tabel pada suatu bagian ikut dihitung.',
    en: 'Words are counted as Word does: any run of characters between spaces that holds a letter or a digit ("masing-masing" is one word). Text in tables inside a section counts.',
  },
  groupIntro: {
    id: 'Tulis kelompok pada kolom identitas; jika tidak ditulis, kelompok ditebak dari judul-judul bagian yang ditemukan.',
    en: 'Write the group in the identity block; when it is missing, the group is guessed from the section headings found.',
  },
  groupHeading: { id: 'Kelompok {group}', en: 'Group {group}' },
  groupAliases: { id: 'Juga ditulis: {aliases}.', en: 'Also written: {aliases}.' },
  groupAge: {
    id: 'Usia inovasi: sudah berjalan minimal **{years} tahun** pada batas pengiriman, yaitu tanggal mulai **{latest}** atau lebih awal.',
    en: 'Age of the innovation: in operation for at least **{years} year(s)** at the submission deadline, that is a start date of **{latest}** or earlier.',
  },
  groupNoAge: {
    id: 'Usia inovasi: tidak ada batas minimal.',
    en: 'Age of the innovation: no minimum.',
  },
  groupQuota: {
    id: 'Kuota: paling banyak **{quota} proposal** kelompok ini dari setiap instansi.',
    en: 'Quota: at most **{quota} proposals** of this group from each institution.',
  },
  sectionsRules: {
    id: 'Bagian yang wajib harus ada dan berisi (`SECTION_MISSING`, `SECTION_EMPTY`) dan tidak boleh melebihi batas katanya (`WORD_LIMIT_EXCEEDED`). Peringatan yang tidak menghalangi: bagian yang ditulis dua kali (`SECTION_DUPLICATE`, kata-katanya dijumlahkan) dan bagian milik kelompok lain (`SECTION_NOT_IN_GROUP`, tidak dinilai).',
    en: 'Required sections must be present and filled in (`SECTION_MISSING`, `SECTION_EMPTY`) and stay within their word limit (`WORD_LIMIT_EXCEEDED`). Warnings that do not block: a section written twice (`SECTION_DUPLICATE`, its words are added up) and a section of another group (`SECTION_NOT_IN_GROUP`, not assessed).',
  },

  rulesHeading: { id: '4. Aturan antarproposal', en: '4. Rules across proposals' },
  duplicateError: {
    id: '**Judul tidak boleh sama** dengan proposal lain yang diajukan instansi Anda (`DUPLICATE_TITLE`, kesalahan); huruf besar-kecil, aksen dan tanda baca diabaikan saat membandingkan.',
    en: '**No two proposals of your agency may share a title** (`DUPLICATE_TITLE`, an error); case, accents and punctuation are ignored when comparing.',
  },
  duplicateWarning: {
    id: 'Judul yang sudah dipakai proposal lain dari instansi Anda dilaporkan sebagai peringatan (`DUPLICATE_TITLE`) dan tidak menghalangi; huruf besar-kecil, aksen dan tanda baca diabaikan saat membandingkan.',
    en: 'A title another proposal of your agency already uses is reported as a warning (`DUPLICATE_TITLE`) and does not block; case, accents and punctuation are ignored when comparing.',
  },
  duplicateAllow: {
    id: 'Judul yang sama dengan proposal lain diperbolehkan.',
    en: 'Titles may repeat across proposals.',
  },
  quotaRule: {
    id: '**Kuota per instansi** (`QUOTA_EXCEEDED`): {quotas}.',
    en: '**Quota per institution** (`QUOTA_EXCEEDED`): {quotas}.',
  },
  quotaItem: { id: '{group} paling banyak {quota}', en: 'at most {quota} {group}' },
  ageRule: {
    id: '**Usia minimal inovasi** pada batas pengiriman (`INNOVATION_TOO_YOUNG`): {ages}.',
    en: '**Minimum age of the innovation** at the submission deadline (`INNOVATION_TOO_YOUNG`): {ages}.',
  },
  ageItem: { id: '{group} {years} tahun', en: '{group} {years} year(s)' },

  reportHeading: { id: '5. Membaca laporan pemeriksaan', en: '5. Reading the check report' },
  reportIntro: {
    id: 'Laporan menyebut hasilnya (**LOLOS** atau **TIDAK LOLOS**), kelompok dan kategori yang terbaca, jumlah kata setiap bagian terhadap batasnya, lalu setiap masalah dengan kodenya dan cara memperbaikinya. **Kesalahan** harus diperbaiki sebelum proposal diteruskan ke penilai; **peringatan** tidak menghalangi. Kodenya tetap dan sama dalam kedua bahasa, sehingga dapat disebut ketika menghubungi sekretariat. Dalam daftar berikut, teks dalam [kurung siku] diganti oleh laporan dengan nilai dari proposal Anda.',
    en: 'The report gives the verdict (**PASSED** or **NOT PASSED**), the group and category it read, the words of each section against its limit, then each problem with its code and how to fix it. **Errors** must be fixed before the proposal goes to reviewers; **warnings** do not block it. The codes are stable and the same in both languages, so you can quote them to the secretariat. In the list below, text in [square brackets] is replaced in the report by values from your proposal.',
  },
  resubmit: {
    id: 'Proposal yang ditolak dapat diganti dari portal dengan berkas yang sudah diperbaiki sampai batas pengiriman: penggantinya tetap memakai tempat yang sama dalam kuota instansi, dan judulnya berpindah ke berkas baru.',
    en: "A rejected proposal can be replaced from the portal by a fixed file until the submission deadline: the replacement keeps the same place in the institution's quota, and the title moves to the new file.",
  },
  error: { id: 'Kesalahan', en: 'Error' },
  warning: { id: 'Peringatan', en: 'Warning' },

  formHeading: { id: '6. Formulir JSON', en: '6. The JSON form' },
  formIntro: {
    id: 'Untuk sistem yang mengirim atas nama unit kerja. Kunci identitas adalah id kolom di atas atau salah satu labelnya; kunci bagian adalah nama bagian, nama lainnya, atau id-nya. Kunci yang tidak dikenal dilaporkan sebagai peringatan (`IDENTITY_UNRECOGNIZED`, `SECTION_UNRECOGNIZED`); formulir dengan bentuk lain ditolak (`FORM_INVALID`).',
    en: 'For systems that submit on behalf of units. Identity keys are the field ids above or any of their labels; section keys are a section name, another accepted name or its id. Unknown keys are reported as warnings (`IDENTITY_UNRECOGNIZED`, `SECTION_UNRECOGNIZED`); a form of another shape is refused (`FORM_INVALID`).',
  },

  opsHeading: { id: 'Catatan untuk operator', en: 'Note for operators' },
  opsNote: {
    id: 'Pemeriksaan yang sama dapat dijalankan dari baris perintah oleh operator (bukan pengusul), misalnya untuk berkas yang dikirim lewat email: `npx proposals validate berkas.docx` (laporan dalam Bahasa Indonesia), `--lang en` (Inggris), `--json` (untuk program lain).',
    en: 'Operators (not submitters) can run the same check from the command line, for example on a file that arrived by email: `npx proposals validate file.docx` (report in Bahasa Indonesia), `--lang en` (English), `--json` (for other programs).',
  },

  yes: { id: 'ya', en: 'yes' },
  no: { id: 'tidak', en: 'no' },
  none: { id: '—', en: '—' },
  deadlineAt: { id: '{day} pukul 23.59 {zone}', en: '{day} at 23:59 {zone}' },
} satisfies Record<string, Text>;

/** Column headings of the guide's tables (the first column is the term each row is about). */
export const GUIDE_COLUMNS = {
  identity: {
    id: ['Kolom', 'Label yang diterima', 'Wajib', 'Ketentuan'],
    en: ['Field', 'Accepted labels', 'Required', 'Rule'],
  },
  section: {
    id: ['Bagian (judul)', 'Nama lain yang diterima', 'Maks. kata', 'Wajib'],
    en: ['Section (heading)', 'Other accepted names', 'Max. words', 'Required'],
  },
  code: {
    id: ['Kode', 'Jenis', 'Laporan menyebut', 'Cara memperbaiki'],
    en: ['Code', 'Kind', 'The report says', 'How to fix it'],
  },
} satisfies Record<string, Record<'id' | 'en', readonly string[]>>;

/** What each accepted format is, as a submitter knows it. */
export const FORMAT_TEXT: Record<FileFormat, Text> = {
  docx: {
    id: '**DOCX** (Word 2007 atau lebih baru, LibreOffice "Word 2007-365") — paling dianjurkan.',
    en: '**DOCX** (Word 2007 or later, LibreOffice "Word 2007-365") — preferred.',
  },
  pdf: {
    id: '**PDF yang berisi teks**: ekspor dari Word/LibreOffice ("Simpan sebagai PDF"); jangan dicetak lalu dipindai.',
    en: '**PDF with a text layer**: export it from Word/LibreOffice ("Save as PDF"); do not print and scan.',
  },
  markdown: {
    id: '**Markdown** (`.md`), disimpan sebagai **UTF-8**.',
    en: '**Markdown** (`.md`), saved as **UTF-8**.',
  },
  text: {
    id: '**Teks biasa** (`.txt`), disimpan sebagai **UTF-8**.',
    en: '**Plain text** (`.txt`), saved as **UTF-8**.',
  },
  json: {
    id: '**Formulir JSON**, untuk sistem yang mengirim atas nama unit kerja (lihat nomor 6).',
    en: '**JSON form**, for systems that submit on behalf of units (see part 6).',
  },
};

/** The rule the check applies to each identity field (the same for every competition). */
export const FIELD_RULES: Record<IdentityFieldId, Text> = {
  title: { id: 'Judul inovasi.', en: 'The name of the innovation.' },
  institution: {
    id: 'Nama unit lengkap, mis. "Dinas Kesehatan Kota Surabaya": instansi Anda sendiri, dengan nama terdaftarnya, nama lainnya, atau nama unit kerja pemerintah daerah Anda (`INSTITUTION_NOT_OF_AGENCY`).',
    en: 'The full unit name, e.g. "Dinas Kesehatan Kota Surabaya": your own agency, by its registered name, another name of it, or an office of your regional government (`INSTITUTION_NOT_OF_AGENCY`).',
  },
  group: { id: 'Salah satu kelompok: {groups}.', en: 'One of the groups: {groups}.' },
  category: { id: 'Salah satu kategori di bawah.', en: 'One of the categories below.' },
  startDate: {
    id: 'Tanggal mulai inovasi diterapkan; lihat "Tanggal".',
    en: 'The date the innovation started; see "Dates".',
  },
  innovator: { id: 'Nama inovator.', en: 'The name of the innovator.' },
  email: { id: 'Satu alamat email lengkap.', en: 'One complete email address.' },
  phone: {
    id: 'Nomor Indonesia dengan kode area: `0812-3456-7890`, `(031) 5634 112`, `+62 31 5634 112`.',
    en: 'An Indonesian number with its area code: `0812-3456-7890`, `(031) 5634 112`, `+62 31 5634 112`.',
  },
  video: {
    id: 'Tautan satu video YouTube (paling lama 3 menit): `https://youtu.be/...`, `https://www.youtube.com/watch?v=...`.',
    en: 'A link to one YouTube video (at most 3 minutes): `https://youtu.be/...`, `https://www.youtube.com/watch?v=...`.',
  },
};

/** The values of the example identity block (group and category come from the profile). */
export const FIELD_EXAMPLES: Record<Exclude<IdentityFieldId, 'group' | 'category'>, string> = {
  title: 'SEHATI: Sistem Antrean dan Rujukan Terpadu Puskesmas',
  institution: 'Dinas Kesehatan Kota Surabaya',
  startDate: '14 Maret 2021',
  innovator: 'dr. Ratna Wulandari, M.Kes.',
  email: 'sehati@dinkes.surabaya.example.go.id',
  phone: '(031) 5634 112',
  video: 'https://youtu.be/Q3vXbT7mKp0',
};

/**
 * What stands in the report's messages for the values of a real proposal, by message parameter. The guide shows
 * each code's message and fix from the check's own catalogue with these in place of the values.
 */
export const PLACEHOLDERS: Record<string, Text> = {
  name: { id: '[nama bagian]', en: '[section]' },
  limit: { id: '[batas]', en: '[limit]' },
  words: { id: '[jumlah kata]', en: '[words]' },
  over: { id: '[selisih]', en: '[excess]' },
  group: { id: '[kelompok]', en: '[group]' },
  institution: { id: '[instansi]', en: '[institution]' },
  quota: { id: '[kuota]', en: '[quota]' },
  title: { id: '[judul]', en: '[title]' },
  value: { id: '[isi yang ditulis]', en: '[what was written]' },
  date: { id: '[tanggal]', en: '[date]' },
  latest: { id: '[tanggal paling lambat]', en: '[latest date]' },
  deadline: { id: '[batas pengiriman]', en: '[deadline]' },
  years: { id: '[tahun]', en: '[years]' },
  label: { id: '[label]', en: '[label]' },
  labelEn: { id: '[label]', en: '[field (label)]' },
  size: { id: '[ukuran]', en: '[size]' },
  detail: { id: '[keterangan]', en: '[detail]' },
  detailId: { id: '[keterangan]', en: '[detail]' },
  detailEn: { id: '[keterangan]', en: '[detail]' },
  seconds: { id: '[detik]', en: '[seconds]' },
  ext: { id: '[ekstensi]', en: '[extension]' },
  expected: { id: '[ekstensi]', en: '[extension]' },
  format: { id: '[format]', en: '[format]' },
  whatId: { id: '[jenis berkas]', en: '[kind of file]' },
  whatEn: { id: '[jenis berkas]', en: '[kind of file]' },
  agency: { id: '[kode instansi]', en: '[agency code]' },
  known: { id: '[nama terdaftar]', en: '[registered names]' },
  max: { id: '[batas]', en: '[limit]' },
  length: { id: '[jumlah karakter]', en: '[characters]' },
  target: { id: '[alamat di luar berkas]', en: '[outside address]' },
};

/** What stands for a message parameter this table does not name yet. */
export const GENERIC_PLACEHOLDER: Text = { id: '[…]', en: '[…]' };

/**
 * Placeholders that differ by code (the same parameter name meaning another thing). Keyed by code as a string:
 * an entry may name a code the catalogue does not hold yet.
 */
export const CODE_PLACEHOLDERS: Record<string, Record<string, Text>> = {
  IDENTITY_UNRECOGNIZED: { name: { id: '[label yang ditulis]', en: '[label written]' } },
  SECTION_UNRECOGNIZED: { name: { id: '[judul yang ditulis]', en: '[heading written]' } },
  ARCHIVE_UNSAFE_PATH: { name: { id: '[nama berkas]', en: '[file name]' } },
  INSTITUTION_NOT_OF_AGENCY: { name: { id: '[nama instansi]', en: '[agency name]' } },
  PDF_ACTIVE_CONTENT: { whatId: { id: '[jenis isi]', en: '[kind of content]' } },
  DOCX_ACTIVE_CONTENT: { whatId: { id: '[jenis isi]', en: '[kind of content]' } },
  DOCX_EXTERNAL_CONTENT: { whatId: { id: '[jenis isi]', en: '[kind of content]' } },
};

/** The fix of FORMAT_UNSUPPORTED, which the check words by the kind of file it met. */
export const FORMAT_UNSUPPORTED_FIX: Text = {
  id: 'Kirim satu dokumen dalam format yang diterima ({formats}); dokumen Word lama (.doc) disimpan ulang sebagai .docx, foto atau pindaian diketik ulang.',
  en: 'Send one document in an accepted format ({formats}); save a legacy Word document (.doc) again as .docx, type up a photo or scan.',
};
