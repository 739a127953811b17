/**
 * The ZIP reader under the DOCX parser (functions/lib/validation/zip.ts) on archives built byte by byte: the ZIP64
 * records some writers use, and the lies a hostile archive can tell about its entries.
 */
import { deflateRawSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { validateDocument } from '../../../functions/lib/validation';
import { DocumentRejected } from '../../../functions/lib/validation/errors';
import { listZip, readZipEntries } from '../../../functions/lib/validation/zip';
import { fixture, NOW, profile } from './helpers';

interface Part {
  name: string;
  data: Uint8Array;
  /** Deflate the data (else stored). */
  deflate?: boolean;
  /** Uncompressed size written in the directory (default: the real one). */
  declaredSize?: number;
  /** General purpose flags (bit 0: encrypted). */
  flags?: number;
}

const u16 = (value: number) => Buffer.from([value & 0xff, (value >>> 8) & 0xff]);
const u32 = (value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value >>> 0);
  return bytes;
};
const u64 = (value: number) => {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(BigInt(value));
  return bytes;
};

/** An archive as a writer lays it out: local headers and data, the central directory, its end record(s). */
function archive(parts: Part[], { zip64 = false } = {}): Uint8Array {
  const chunks: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name, 'utf8');
    const data = part.deflate ? deflateRawSync(part.data) : Buffer.from(part.data);
    const method = part.deflate ? 8 : 0;
    const size = part.declaredSize ?? part.data.byteLength;
    const flags = 0x800 | (part.flags ?? 0);
    const local = Buffer.concat([
      u32(0x04034b50),
      u16(20),
      u16(flags),
      u16(method),
      u16(0),
      u16(0),
      u32(0),
      u32(data.byteLength),
      u32(size),
      u16(name.byteLength),
      u16(0),
      name,
    ]);
    // ZIP64: the three 32-bit fields at their maximum, the values in extra field 1.
    const extra = zip64
      ? Buffer.concat([u16(1), u16(24), u64(size), u64(data.byteLength), u64(offset)])
      : Buffer.alloc(0);
    directory.push(
      Buffer.concat([
        u32(0x02014b50),
        u16(45),
        u16(45),
        u16(flags),
        u16(method),
        u16(0),
        u16(0),
        u32(0),
        u32(zip64 ? 0xffffffff : data.byteLength),
        u32(zip64 ? 0xffffffff : size),
        u16(name.byteLength),
        u16(extra.byteLength),
        u16(0),
        u16(0),
        u16(0),
        u32(0),
        u32(zip64 ? 0xffffffff : offset),
        name,
        extra,
      ]),
    );
    chunks.push(local, data);
    offset += local.byteLength + data.byteLength;
  }
  const central = Buffer.concat(directory);
  const count = parts.length;
  const tail: Buffer[] = [];
  if (zip64) {
    const end64At = offset + central.byteLength;
    tail.push(
      Buffer.concat([
        u32(0x06064b50),
        u64(44),
        u16(45),
        u16(45),
        u32(0),
        u32(0),
        u64(count),
        u64(count),
        u64(central.byteLength),
        u64(offset),
      ]),
      Buffer.concat([u32(0x07064b50), u32(0), u64(end64At), u32(1)]),
    );
  }
  tail.push(
    Buffer.concat([
      u32(0x06054b50),
      u16(0),
      u16(0),
      u16(zip64 ? 0xffff : count),
      u16(zip64 ? 0xffff : count),
      u32(central.byteLength),
      u32(zip64 ? 0xffffffff : offset),
      u16(0),
    ]),
  );
  return new Uint8Array(Buffer.concat([...chunks, central, ...tail]));
}

const corrupt = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DocumentRejected);
    return (error as DocumentRejected).code;
  }
  throw new Error('expected the archive to be refused');
};

const text = (value: string) => new TextEncoder().encode(value);

describe('the ZIP reader', () => {
  it('reads a Word document whose archive uses ZIP64 records as it reads the ordinary one', async () => {
    const original = fixture('umum.docx');
    const parts = Object.entries(unzipSync(original)).map(([name, data]) => ({ name, data, deflate: true }));
    const repacked = archive(parts, { zip64: true });

    const read = (bytes: Uint8Array) => validateDocument(bytes, profile, { now: NOW, fileName: 'umum.docx' });
    const [before, after] = await Promise.all([read(original), read(repacked)]);

    expect(before.valid).toBe(true);
    expect(after).toEqual(before);
  });

  it('refuses an entry that inflates past the size its directory declares, without inflating the rest', () => {
    const zip = archive([
      { name: 'word/document.xml', data: new Uint8Array(64 * 1024), deflate: true, declaredSize: 100 },
    ]);
    const entries = listZip(zip);
    expect(entries[0]?.originalSize).toBe(100);
    expect(corrupt(() => readZipEntries(zip, entries, ['word/document.xml']))).toBe('FILE_CORRUPT');
  });

  it('refuses two entries of one name (compared without case), which two readers could read differently', () => {
    const zip = archive([
      { name: 'word/document.xml', data: text('<w:document/>') },
      { name: 'Word/Document.xml', data: text('<w:document><w:body/></w:document>') },
    ]);
    expect(corrupt(() => listZip(zip))).toBe('FILE_CORRUPT');
  });

  it('refuses to read an encrypted entry, and a stored entry whose sizes disagree', () => {
    const encrypted = archive([{ name: 'word/document.xml', data: text('<w:document/>'), flags: 1 }]);
    expect(corrupt(() => readZipEntries(encrypted, listZip(encrypted), ['word/document.xml']))).toBe(
      'FILE_CORRUPT',
    );
    const lying = archive([{ name: 'word/document.xml', data: text('<w:document/>'), declaredSize: 5 }]);
    expect(corrupt(() => readZipEntries(lying, listZip(lying), ['word/document.xml']))).toBe('FILE_CORRUPT');
  });

  it('refuses a cut archive and a directory that points outside the file', () => {
    const zip = archive([{ name: 'word/document.xml', data: text('<w:document/>') }]);
    expect(corrupt(() => listZip(zip.subarray(0, zip.byteLength - 10)))).toBe('FILE_CORRUPT');
    const outside = Buffer.from(zip);
    outside.writeUInt32LE(0x7fffffff, outside.byteLength - 6);
    expect(corrupt(() => listZip(new Uint8Array(outside)))).toBe('FILE_CORRUPT');
  });
});
