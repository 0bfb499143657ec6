import { inflateRawSync } from 'node:zlib';
import { validationFailed } from '../common/app-error';
import { IMPORT_LIMITS, importLimitExceeded, megabytes } from './import-limits';

/**
 * An XLSX is a ZIP archive, and a ZIP says in its central directory (at the end of the file)
 * what each entry unpacks to. Reading that directory costs microseconds and unpacks nothing,
 * so a ZIP bomb (a 2 MB file whose sheet unpacks to 489 MB) is refused before ExcelJS, which
 * unpacks every entry into memory, ever sees it. The directory can lie, so the parser worker
 * then unpacks each entry with the declared size as a hard ceiling (`unpackEntry`).
 */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated: the only methods ExcelJS's unzipper (JSZip) reads. */
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const END_OF_DIRECTORY = 0x06054b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const ZIP64_END_OF_DIRECTORY = 0x06064b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const ZIP64_EXTRA = 0x0001;
const MAX_COMMENT = 0xffff;

const damaged = () =>
  validationFailed('file', 'the file looks like an XLSX workbook but its ZIP structure is damaged');

/** The central directory's entries, checked against every ZIP limit before any is unpacked. */
export function checkedZipDirectory(buffer: Buffer): ZipEntry[] {
  const end = findEndOfDirectory(buffer);
  if (end.entries > IMPORT_LIMITS.zipEntries) {
    throw importLimitExceeded(
      'zipEntries',
      `the workbook's ZIP holds ${end.entries} entries; at most ${IMPORT_LIMITS.zipEntries} are read`,
    );
  }
  const entries = readDirectory(buffer, end);
  let unpacked = 0;
  for (const entry of entries) {
    unpacked += entry.uncompressedSize;
    if (
      entry.uncompressedSize > IMPORT_LIMITS.ratioFloorBytes &&
      entry.uncompressedSize > IMPORT_LIMITS.compressionRatio * Math.max(entry.compressedSize, 1)
    ) {
      throw importLimitExceeded(
        'compressionRatio',
        `"${entry.name}" packs ${megabytes(entry.uncompressedSize)} into ${entry.compressedSize} bytes ` +
          `(${Math.round(entry.uncompressedSize / Math.max(entry.compressedSize, 1))} to 1); ` +
          `at most ${IMPORT_LIMITS.compressionRatio} to 1 is read (a spreadsheet packs about 10 to 1)`,
      );
    }
  }
  if (unpacked > IMPORT_LIMITS.unpackedBytes) {
    throw importLimitExceeded(
      'unpackedBytes',
      `the workbook unpacks to ${megabytes(unpacked)}; at most ${megabytes(IMPORT_LIMITS.unpackedBytes)} is read`,
    );
  }
  if (
    unpacked > IMPORT_LIMITS.ratioFloorBytes &&
    unpacked > IMPORT_LIMITS.compressionRatio * buffer.length
  ) {
    throw importLimitExceeded(
      'compressionRatio',
      `the workbook's ${megabytes(buffer.length)} unpack to ${megabytes(unpacked)}; ` +
        `at most ${IMPORT_LIMITS.compressionRatio} to 1 is read`,
    );
  }
  return entries;
}

/**
 * One entry's bytes, unpacked with its declared size as the ceiling: an entry whose data
 * unpacks to more than its directory record says is refused as soon as it passes that size.
 */
export function unpackEntry(buffer: Buffer, entry: ZipEntry): Buffer {
  const offset = entry.localHeaderOffset;
  if (offset + 30 > buffer.length || buffer.readUInt32LE(offset) !== LOCAL_HEADER) throw damaged();
  const start = offset + 30 + buffer.readUInt16LE(offset + 26) + buffer.readUInt16LE(offset + 28);
  if (start + entry.compressedSize > buffer.length) throw damaged();
  const packed = buffer.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.uncompressedSize) throw damaged();
    return packed;
  }
  if (entry.method !== 8)
    throw validationFailed('file', `"${entry.name}" is compressed in a way XLSX does not use`);
  try {
    // One byte of headroom tells "exactly the declared size" from "more than it".
    const unpacked = inflateRawSync(packed, { maxOutputLength: entry.uncompressedSize + 1 });
    if (unpacked.length !== entry.uncompressedSize) throw damaged();
    return unpacked;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw importLimitExceeded(
        'unpackedBytes',
        `"${entry.name}" unpacks to more than the ${entry.uncompressedSize} bytes its ZIP directory declares`,
      );
    }
    throw damaged();
  }
}

interface EndOfDirectory {
  entries: number;
  directorySize: number;
  directoryOffset: number;
}

function findEndOfDirectory(buffer: Buffer): EndOfDirectory {
  const lowest = Math.max(0, buffer.length - 22 - MAX_COMMENT);
  for (let at = buffer.length - 22; at >= lowest; at--) {
    if (buffer.readUInt32LE(at) !== END_OF_DIRECTORY) continue;
    let end: EndOfDirectory = {
      entries: buffer.readUInt16LE(at + 10),
      directorySize: buffer.readUInt32LE(at + 12),
      directoryOffset: buffer.readUInt32LE(at + 16),
    };
    const locator = at - 20;
    if (locator >= 0 && buffer.readUInt32LE(locator) === ZIP64_END_LOCATOR) {
      const zip64 = safeNumber(buffer.readBigUInt64LE(locator + 8));
      if (zip64 + 56 > buffer.length || buffer.readUInt32LE(zip64) !== ZIP64_END_OF_DIRECTORY)
        throw damaged();
      end = {
        entries: safeNumber(buffer.readBigUInt64LE(zip64 + 32)),
        directorySize: safeNumber(buffer.readBigUInt64LE(zip64 + 40)),
        directoryOffset: safeNumber(buffer.readBigUInt64LE(zip64 + 48)),
      };
    }
    if (end.directoryOffset + end.directorySize > buffer.length) throw damaged();
    return end;
  }
  throw damaged();
}

function readDirectory(buffer: Buffer, end: EndOfDirectory): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let at = end.directoryOffset;
  const limit = end.directoryOffset + end.directorySize;
  for (let index = 0; index < end.entries; index++) {
    if (at + 46 > limit || buffer.readUInt32LE(at) !== DIRECTORY_ENTRY) throw damaged();
    const nameLength = buffer.readUInt16LE(at + 28);
    const extraLength = buffer.readUInt16LE(at + 30);
    const commentLength = buffer.readUInt16LE(at + 32);
    const entry: ZipEntry = {
      name: buffer.toString('utf8', at + 46, at + 46 + nameLength),
      method: buffer.readUInt16LE(at + 10),
      compressedSize: buffer.readUInt32LE(at + 20),
      uncompressedSize: buffer.readUInt32LE(at + 24),
      localHeaderOffset: buffer.readUInt32LE(at + 42),
    };
    readZip64Sizes(buffer, at + 46 + nameLength, extraLength, entry);
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
    if (at > limit) throw damaged();
  }
  return entries;
}

/** Sizes and offsets too big for 32 bits are 0xFFFFFFFF, with the real values in an extra field. */
function readZip64Sizes(buffer: Buffer, start: number, length: number, entry: ZipEntry): void {
  const FULL = 0xffffffff;
  let at = start;
  while (at + 4 <= start + length) {
    const id = buffer.readUInt16LE(at);
    const size = buffer.readUInt16LE(at + 2);
    if (id === ZIP64_EXTRA) {
      let field = at + 4;
      const next = () => {
        if (field + 8 > at + 4 + size) throw damaged();
        const value = safeNumber(buffer.readBigUInt64LE(field));
        field += 8;
        return value;
      };
      if (entry.uncompressedSize === FULL) entry.uncompressedSize = next();
      if (entry.compressedSize === FULL) entry.compressedSize = next();
      if (entry.localHeaderOffset === FULL) entry.localHeaderOffset = next();
      return;
    }
    at += 4 + size;
  }
}

function safeNumber(value: bigint): number {
  // Past 2^53 a size is a lie anyway; Infinity keeps every comparison above refusing it.
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(value);
}
