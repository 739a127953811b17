/**
 * Bounded ZIP reading for DOCX. Every limit is checked on the central directory sizes BEFORE anything is
 * inflated, and inflation writes into a buffer of the declared size (fflate does not grow it), so a lying
 * entry cannot expand beyond what was checked.
 */
import { unzipSync } from 'fflate';
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
  size: number;
  originalSize: number;
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

/** Lists the entries from the central directory and enforces every limit; inflates nothing. */
export function listZip(bytes: Uint8Array, limits: ZipLimits = DEFAULT_ZIP_LIMITS): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let total = 0;
  try {
    unzipSync(bytes, {
      filter(file) {
        if (entries.length >= limits.maxEntries) {
          throw new DocumentRejected('ARCHIVE_TOO_LARGE', {
            detailId: `lebih dari ${limits.maxEntries} berkas di dalamnya`,
            detailEn: `more than ${limits.maxEntries} files inside`,
          });
        }
        if (unsafeName(file.name)) throw new DocumentRejected('ARCHIVE_UNSAFE_PATH', { name: file.name });
        if (!Number.isFinite(file.originalSize) || file.originalSize < 0 || file.size < 0) {
          throw new DocumentRejected('FILE_CORRUPT', { detail: 'ZIP central directory' });
        }
        total += file.originalSize;
        if (total > limits.maxTotalUncompressed) {
          throw new DocumentRejected('ARCHIVE_TOO_LARGE', {
            detailId: `isi terurai lebih dari ${limits.maxTotalUncompressed / MB} MB`,
            detailEn: `more than ${limits.maxTotalUncompressed / MB} MB once unpacked`,
          });
        }
        if (file.originalSize > limits.ratioFloor && file.originalSize > file.size * limits.maxRatio) {
          const ratio = Math.round(file.originalSize / Math.max(1, file.size));
          throw new DocumentRejected('ARCHIVE_TOO_LARGE', {
            detailId: `${file.name} memampat ${ratio}:1, ciri bom zip`,
            detailEn: `${file.name} compresses ${ratio}:1, the mark of a zip bomb`,
          });
        }
        entries.push({ name: file.name, size: file.size, originalSize: file.originalSize });
        return false;
      },
    });
  } catch (error) {
    if (error instanceof DocumentRejected) throw error;
    throw new DocumentRejected('FILE_CORRUPT', { detail: 'ZIP' });
  }
  return entries;
}

/** Inflates the named entries (already checked by listZip). Missing names are absent from the result. */
export function readZipEntries(
  bytes: Uint8Array,
  entries: ZipEntry[],
  names: readonly string[],
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): Record<string, Uint8Array> {
  const wanted = new Set(names);
  for (const entry of entries) {
    if (wanted.has(entry.name) && entry.originalSize > limits.maxEntryUncompressed) {
      throw new DocumentRejected('ARCHIVE_TOO_LARGE', {
        detailId: `${entry.name} lebih dari ${limits.maxEntryUncompressed / MB} MB`,
        detailEn: `${entry.name} is larger than ${limits.maxEntryUncompressed / MB} MB`,
      });
    }
  }
  try {
    return unzipSync(bytes, { filter: (file) => wanted.has(file.name) });
  } catch {
    throw new DocumentRejected('FILE_CORRUPT', { detail: 'ZIP' });
  }
}
