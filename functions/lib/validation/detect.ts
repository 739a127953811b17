/** Format detection by content (magic bytes), never by file name. */
export type Sniffed =
  | { kind: 'pdf' }
  | { kind: 'zip' }
  | { kind: 'ole'; encryptedOoxml: boolean }
  | { kind: 'binary'; whatId: string; whatEn: string; image: boolean }
  | { kind: 'utf16' }
  | { kind: 'textual' };

function startsWith(bytes: Uint8Array, sig: number[], at = 0): boolean {
  if (bytes.length < at + sig.length) return false;
  return sig.every((b, i) => bytes[at + i] === b);
}
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

const BINARY: Array<{ sig: number[]; at?: number; whatId: string; whatEn: string; image?: boolean }> = [
  { sig: [0x89, 0x50, 0x4e, 0x47], whatId: 'gambar PNG', whatEn: 'a PNG image', image: true },
  { sig: [0xff, 0xd8, 0xff], whatId: 'gambar JPEG', whatEn: 'a JPEG image', image: true },
  { sig: ascii('GIF8'), whatId: 'gambar GIF', whatEn: 'a GIF image', image: true },
  { sig: [0x49, 0x49, 0x2a, 0x00], whatId: 'gambar TIFF', whatEn: 'a TIFF image', image: true },
  { sig: [0x4d, 0x4d, 0x00, 0x2a], whatId: 'gambar TIFF', whatEn: 'a TIFF image', image: true },
  { sig: ascii('BM'), whatId: 'gambar BMP', whatEn: 'a BMP image', image: true },
  { sig: ascii('WEBP'), at: 8, whatId: 'gambar WebP', whatEn: 'a WebP image', image: true },
  { sig: ascii('ftypheic'), at: 4, whatId: 'foto HEIC', whatEn: 'a HEIC photo', image: true },
  { sig: ascii('{\\rtf'), whatId: 'dokumen RTF', whatEn: 'an RTF document' },
  { sig: ascii('Rar!'), whatId: 'arsip RAR', whatEn: 'a RAR archive' },
  { sig: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], whatId: 'arsip 7-Zip', whatEn: 'a 7-Zip archive' },
  { sig: [0x1f, 0x8b], whatId: 'arsip gzip', whatEn: 'a gzip archive' },
];

/** UTF-16LE bytes of "EncryptedPackage", the stream of a password-protected DOCX inside an OLE file. */
const ENCRYPTED_PACKAGE = new Uint8Array([...'EncryptedPackage'].flatMap((c) => [c.charCodeAt(0), 0]));

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0];
  outer: for (
    let i = haystack.indexOf(first ?? 0);
    i !== -1 && i <= haystack.length - needle.length;
    i = haystack.indexOf(first ?? 0, i + 1)
  ) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

export function sniff(bytes: Uint8Array): Sniffed {
  // PDF readers accept the header anywhere in the first kilobyte.
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  if (head.includes('%PDF-')) return { kind: 'pdf' };
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06]))
    return { kind: 'zip' };
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    return { kind: 'ole', encryptedOoxml: contains(bytes, ENCRYPTED_PACKAGE) };
  }
  for (const b of BINARY) {
    if (startsWith(bytes, b.sig, b.at ?? 0))
      return { kind: 'binary', whatId: b.whatId, whatEn: b.whatEn, image: !!b.image };
  }
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) return { kind: 'utf16' };
  // NUL bytes never occur in UTF-8 text.
  if (bytes.subarray(0, 65536).includes(0)) {
    return {
      kind: 'binary',
      whatId: 'berkas biner yang tidak dikenal',
      whatEn: 'an unknown binary file',
      image: false,
    };
  }
  return { kind: 'textual' };
}
