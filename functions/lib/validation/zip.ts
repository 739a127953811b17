/**
 * Bounded ZIP reading for DOCX. Every limit is checked on the central directory sizes BEFORE anything is
 * inflated, and an entry inflates into at most the size its directory record declares (node:zlib's
 * `maxOutputLength`), so a lying entry cannot expand beyond what was checked.
 *
 * The reader is written here rather than taken from a library: the part of ZIP a DOCX needs is the central
 * directory (with its ZIP64 variant) and stored or deflated entries, and Node's own zlib inflates. fflate, used
 * before, builds its Huffman tables when it is imported: ~25 ms of every Validate and Portal cold start, while
 * zlib is already loaded by the AWS SDK.
 */
import { inflateRawSync } from 'node:zlib';
import { DocumentRejected } from './errors';

export interface ZipLimits {
  maxEntries: number;
  maxTotalUncompressed: number;
  maxEntryUncompressed: number;
  /** Highest compression ratio accepted for entries above ratioFloor bytes. */
  maxRatio: number;
  ratioFloor: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 2000,
  maxTotalUncompressed: 256 * 1024 * 1024,
  maxEntryUncompressed: 96 * 1024 * 1024,
  maxRatio: 200,
  ratioFloor: 1024 * 1024,
};

export interface ZipEntry {
  name: string;
  /** Compressed size, as the central directory declares it. */
  size: number;
  /** Uncompressed size, as the central directory declares it. */
  originalSize: number;
  /** 0 stored, 8 deflated, -1 encrypted (only 0 and 8 can be read; the others are refused when read). */
  method: number;
  /** Where the entry's local header starts. */
  offset: number;
}

const MB = 1024 * 1024;

function unsafeName(name: string): boolean {
  return (
    name.includes('\\') ||
    name.includes('\0') ||
    name.startsWith('/') ||
    /^[A-Za-z]:/.test(name) ||
    name.split('/').some((part) => part === '..')
  );
}

const SIGNATURE = {
  endOfDirectory: 0x06054b50,
  zip64Locator: 0x07064b50,
  zip64End: 0x06064b50,
  directory: 0x02014b50,
  local: 0x04034b50,
} as const;
/** A 16- or 32-bit field at its maximum: the value is in the ZIP64 record or extra field. */
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

function corrupt(): never {
  throw new DocumentRejected('FILE_CORRUPT', { detail: 'ZIP' });
}

/** Reads the archive's fields with bounds checks: a field outside the bytes is a corrupt archive. */
class Fields {
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.byteLength;
  }

  u16(at: number): number {
    if (at < 0 || at + 2 > this.length) corrupt();
    return this.view.getUint16(at, true);
  }

  u32(at: number): number {
    if (at < 0 || at + 4 > this.length) corrupt();
    return this.view.getUint32(at, true);
  }

  u64(at: number): number {
    if (at < 0 || at + 8 > this.length) corrupt();
    const value = this.view.getBigUint64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) corrupt();
    return Number(value);
  }

  slice(at: number, length: number): Uint8Array {
    if (at < 0 || length < 0 || at + length > this.length) corrupt();
    return this.bytes.subarray(at, at + length);
  }
}

/** Where the central directory starts and how many records it holds (End Of Central Directory, or ZIP64's). */
function centralDirectory(zip: Fields): { count: number; offset: number } {
  // The end record is 22 bytes plus a comment of at most 65,535: search backwards from the end.
  const last = zip.length - 22;
  for (let at = last; at >= 0 && at >= last - U16_MAX; at -= 1) {
    if (zip.u32(at) !== SIGNATURE.endOfDirectory) continue;
    const count = zip.u16(at + 10);
    const offset = zip.u32(at + 16);
    if (count !== U16_MAX && offset !== U32_MAX) return { count, offset };
    const locator = at - 20;
    if (zip.u32(locator) !== SIGNATURE.zip64Locator) corrupt();
    const end64 = zip.u64(locator + 8);
    if (zip.u32(end64) !== SIGNATURE.zip64End) corrupt();
    return { count: zip.u64(end64 + 32), offset: zip.u64(end64 + 48) };
  }
  return corrupt();
}

/** The ZIP64 extra field (id 1) holds, in this order, each of the three values whose 32-bit field is at its maximum. */
function zip64Values(
  zip: Fields,
  extraStart: number,
  extraLength: number,
  values: { originalSize: number; size: number; offset: number },
): { originalSize: number; size: number; offset: number } {
  const result = { ...values };
  for (let at = extraStart; at + 4 <= extraStart + extraLength; at += 4 + zip.u16(at + 2)) {
    if (zip.u16(at) !== 1) continue;
    let field = at + 4;
    for (const key of ['originalSize', 'size', 'offset'] as const) {
      if (values[key] !== U32_MAX) continue;
      result[key] = zip.u64(field);
      field += 8;
    }
    return result;
  }
  return corrupt();
}

const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

/** Lists the entries from the central directory and enforces every limit; inflates nothing. */
export function listZip(bytes: Uint8Array, limits: ZipLimits = DEFAULT_ZIP_LIMITS): ZipEntry[] {
  const zip = new Fields(bytes);
  const { count, offset } = centralDirectory(zip);
  const entries: ZipEntry[] = [];
  const seen = new Set<string>();
  let total = 0;
  for (let index = 0, at = offset; index < count; index += 1) {
    if (entries.length >= limits.maxEntries) {
      throw new DocumentRejected('ARCHIVE_TOO_LARGE', {
        detailId: `lebih dari ${limits.maxEntries} berkas di dalamnya`,
        detailEn: `more than ${limits.maxEntries} files inside`,
      });
    }
    if (zip.u32(at) !== SIGNATURE.directory) corrupt();
    const flags = zip.u16(at + 8);
    const nameLength = zip.u16(at + 28);
    const extraLength = zip.u16(at + 30);
    const commentLength = zip.u16(at + 32);
    // Bit 11: the name is UTF-8; otherwise code page 437, read as Latin-1 (DOCX part names are ASCII).
    const name = (flags & 0x800 ? utf8 : latin1).decode(zip.slice(at + 46, nameLength));
    const declared = { size: zip.u32(at + 20), originalSize: zip.u32(at + 24), offset: zip.u32(at + 42) };
    const {
      size,
      originalSize,
      offset: entryOffset,
    } = Object.values(declared).includes(U32_MAX)
      ? zip64Values(zip, at + 46 + nameLength, extraLength, declared)
      : declared;
    if (unsafeName(name)) throw new DocumentRejected('ARCHIVE_UNSAFE_PATH', { name });
    // Two entries of one name (part names compare without case) could show one reader a part another never sees.
    if (seen.has(name.toLowerCase())) corrupt();
    seen.add(name.toLowerCase());
    total += originalSize;
    if (total > limits.maxTotalUncompressed) {
      throw new DocumentRejected('ARCHIVE_TOO_LARGE', {
        detailId: `isi terurai lebih dari ${limits.maxTotalUncompressed / MB} MB`,
        detailEn: `more than ${limits.maxTotalUncompressed / MB} MB once unpacked`,
      });
    }
    if (originalSize > limits.ratioFloor && originalSize > size * limits.maxRatio) {
      const ratio = Math.round(originalSize / Math.max(1, size));
      throw new DocumentRejected('ARCHIVE_TOO_LARGE', {
        detailId: `${name} memampat ${ratio}:1, ciri bom zip`,
        detailEn: `${name} compresses ${ratio}:1, the mark of a zip bomb`,
      });
    }
    // Bit 0: encrypted. Its bytes cannot be read, so the entry counts as corrupt when it is one we need.
    entries.push({
      name,
      size,
      originalSize,
      method: flags & 1 ? -1 : zip.u16(at + 10),
      offset: entryOffset,
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** One entry's bytes, inflated into at most the size its directory record declares. */
function readEntry(zip: Fields, entry: ZipEntry): Uint8Array {
  if (zip.u32(entry.offset) !== SIGNATURE.local) corrupt();
  // The local header's name and extra field may differ in length from the directory's: read them here.
  const dataStart = entry.offset + 30 + zip.u16(entry.offset + 26) + zip.u16(entry.offset + 28);
  const data = zip.slice(dataStart, entry.size);
  if (entry.method === 0) {
    if (entry.size !== entry.originalSize) corrupt();
    return data;
  }
  if (entry.method !== 8) corrupt();
  try {
    const inflated = inflateRawSync(data, { maxOutputLength: Math.max(1, entry.originalSize) });
    if (inflated.byteLength > entry.originalSize) corrupt();
    return inflated;
  } catch (error) {
    if (error instanceof DocumentRejected) throw error;
    return corrupt();
  }
}

/** Inflates the named entries (already checked by listZip). Missing names are absent from the result. */
export function readZipEntries(
  bytes: Uint8Array,
  entries: ZipEntry[],
  names: readonly string[],
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): Record<string, Uint8Array> {
  const wanted = new Set(names);
  const chosen = entries.filter((entry) => wanted.has(entry.name));
  for (const entry of chosen) {
    if (entry.originalSize > limits.maxEntryUncompressed) {
      throw new DocumentRejected('ARCHIVE_TOO_LARGE', {
        detailId: `${entry.name} lebih dari ${limits.maxEntryUncompressed / MB} MB`,
        detailEn: `${entry.name} is larger than ${limits.maxEntryUncompressed / MB} MB`,
      });
    }
  }
  const zip = new Fields(bytes);
  const parts: Record<string, Uint8Array> = {};
  for (const entry of chosen) parts[entry.name] = readEntry(zip, entry);
  return parts;
}
