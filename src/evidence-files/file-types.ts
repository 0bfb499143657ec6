import { checkedZipDirectory, unpackEntry } from '../imports/zip-directory';

/**
 * What kind of document an uploaded file is, read from its bytes, never from its name or the
 * Content-Type the client sent (either can say anything: an .exe renamed .pdf arrives as
 * `application/pdf`). A small signature table rather than the `file-type` package: its
 * current versions are ES modules only, which our CommonJS build and jest cannot `require`,
 * and it cannot tell a legacy Word file from an Excel one without a plugin. Every allowed
 * type has a fixed signature except plain text, which is recognised as valid UTF-8 with no
 * control characters a text file never holds.
 */
export interface AllowedType {
  mediaType: string;
  /** The usual extension, added to a download's name when the uploaded name lacks it. */
  extension: string;
  /** In words, for refusals and pages. */
  description: string;
}

export type Detection =
  { allowed: true; type: AllowedType } | { allowed: false; description: string };

const TYPES = {
  pdf: { mediaType: 'application/pdf', extension: 'pdf', description: 'PDF document' },
  png: { mediaType: 'image/png', extension: 'png', description: 'PNG image' },
  jpeg: { mediaType: 'image/jpeg', extension: 'jpg', description: 'JPEG image' },
  gif: { mediaType: 'image/gif', extension: 'gif', description: 'GIF image' },
  webp: { mediaType: 'image/webp', extension: 'webp', description: 'WebP image' },
  docx: {
    mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extension: 'docx',
    description: 'Word document (docx)',
  },
  xlsx: {
    mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extension: 'xlsx',
    description: 'Excel workbook (xlsx)',
  },
  pptx: {
    mediaType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    extension: 'pptx',
    description: 'PowerPoint presentation (pptx)',
  },
  odt: {
    mediaType: 'application/vnd.oasis.opendocument.text',
    extension: 'odt',
    description: 'OpenDocument text (odt)',
  },
  ods: {
    mediaType: 'application/vnd.oasis.opendocument.spreadsheet',
    extension: 'ods',
    description: 'OpenDocument spreadsheet (ods)',
  },
  doc: {
    mediaType: 'application/msword',
    extension: 'doc',
    description: 'Word 97-2003 document (doc)',
  },
  xls: {
    mediaType: 'application/vnd.ms-excel',
    extension: 'xls',
    description: 'Excel 97-2003 workbook (xls)',
  },
  text: { mediaType: 'text/plain', extension: 'txt', description: 'plain text' },
  csv: { mediaType: 'text/csv', extension: 'csv', description: 'CSV text' },
} satisfies Record<string, AllowedType>;

/** A kept file's type in words ("PDF document"), or the media type itself if unknown. */
export function describeMediaType(mediaType: string): string {
  return Object.values(TYPES).find((t) => t.mediaType === mediaType)?.description ?? mediaType;
}

/** Every media type an evidence file may have (documented in docs/operations.md). */
export const ALLOWED_MEDIA_TYPES = [...new Set(Object.values(TYPES).map((t) => t.mediaType))];

const allowed = (type: AllowedType): Detection => ({ allowed: true, type });
const refused = (description: string): Detection => ({ allowed: false, description });

const startsWith = (bytes: Buffer, signature: number[] | string, at = 0) => {
  const expected = typeof signature === 'string' ? Buffer.from(signature, 'latin1') : signature;
  if (bytes.length < at + expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (bytes[at + i] !== expected[i]) return false;
  return true;
};

/**
 * The file's type. `name` is used only to call UTF-8 text CSV when it is named .csv (text has
 * no signature; calling it CSV or plain text changes nothing about what it can do).
 */
export function detectFileType(bytes: Buffer, name: string): Detection {
  // PDF readers accept the header anywhere in the first 1024 bytes, so a PDF may start later.
  if (bytes.subarray(0, 1024).includes('%PDF-', 0, 'latin1')) return allowed(TYPES.pdf);
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return allowed(TYPES.png);
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return allowed(TYPES.jpeg);
  if (startsWith(bytes, 'GIF87a') || startsWith(bytes, 'GIF89a')) return allowed(TYPES.gif);
  if (startsWith(bytes, 'RIFF') && startsWith(bytes, 'WEBP', 8)) return allowed(TYPES.webp);
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return zipDocument(bytes);
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    return compoundDocument(bytes);
  }
  if (startsWith(bytes, 'MZ')) return refused('a Windows program (MZ executable)');
  if (startsWith(bytes, [0x7f, 0x45, 0x4c, 0x46]))
    return refused('a Linux program (ELF executable)');
  if (startsWith(bytes, '#!')) return refused('a script');
  if (isText(bytes)) return allowed(/\.csv$/i.test(name) ? TYPES.csv : TYPES.text);
  return refused('unrecognised binary data');
}

/** OOXML's VBA project and ActiveX binaries, and ODF's Basic and script folders. */
const MACRO_PARTS =
  /(^|\/)(vbaProject\.bin|vbaData\.xml)$|(^|\/)activeX\/.*\.bin$|^(Basic|Scripts)\//i;
/** Programs and scripts a ZIP-based document has no reason to hold. */
const PROGRAM_NAMES = /\.(exe|dll|com|scr|msi|bat|cmd|ps1|vbs|vbe|js|jse|wsf|hta|jar|sh|lnk)$/i;

/**
 * OOXML (docx, xlsx, pptx) and ODF (odt, ods) files are ZIP archives; what they hold says
 * which. The central directory is read (src/imports' bounded reader), nothing is unpacked
 * but ODF's `mimetype` entry, which the standard stores first and uncompressed.
 */
function zipDocument(bytes: Buffer): Detection {
  let names: Map<string, ReturnType<typeof checkedZipDirectory>[number]>;
  try {
    names = new Map(checkedZipDirectory(bytes).map((entry) => [entry.name, entry]));
  } catch {
    return refused('a damaged or oversized ZIP archive');
  }
  // Macros and programs ride inside office files: a document is evidence to read, never code
  // to run, so a file carrying either is refused whatever it calls itself.
  const carried = [...names.keys()].find(
    (entry) => MACRO_PARTS.test(entry) || PROGRAM_NAMES.test(entry),
  );
  if (carried)
    return refused(
      MACRO_PARTS.test(carried)
        ? `an office document with macros (${carried})`
        : `an archive carrying a program (${carried})`,
    );
  if (names.has('[Content_Types].xml')) {
    if (names.has('word/document.xml')) return allowed(TYPES.docx);
    if (names.has('xl/workbook.xml')) return allowed(TYPES.xlsx);
    if (names.has('ppt/presentation.xml')) return allowed(TYPES.pptx);
  }
  const mimetype = names.get('mimetype');
  if (mimetype && mimetype.uncompressedSize < 200) {
    let declared = '';
    try {
      declared = unpackEntry(bytes, mimetype).toString('latin1').trim();
    } catch {
      return refused('a damaged ZIP archive');
    }
    if (declared === TYPES.odt.mediaType) return allowed(TYPES.odt);
    if (declared === TYPES.ods.mediaType) return allowed(TYPES.ods);
    if (declared) return refused(`a ZIP-based document of type ${declared}`);
  }
  return refused('a ZIP archive');
}

/**
 * Word 97-2003 and Excel 97-2003 files are OLE compound files, a small file system whose
 * directory names its streams in UTF-16: Word's main stream is "WordDocument", Excel's
 * "Workbook" (or "Book" before Excel 97). Encrypted OOXML and Outlook messages share the
 * container and are refused.
 */
function compoundDocument(bytes: Buffer): Detection {
  const has = (name: string) => bytes.includes(Buffer.from(name, 'utf16le'));
  if (has('EncryptedPackage')) return refused('an encrypted (password-protected) Office file');
  if (has('WordDocument')) return allowed(TYPES.doc);
  if (has('Workbook') || has('Book\u0000')) return allowed(TYPES.xls);
  return refused('an OLE compound file that is neither a Word nor an Excel document');
}

/** UTF-8 (a BOM allowed) with no NUL or other control characters but tab, CR, LF and FF. */
function isText(bytes: Buffer): boolean {
  if (bytes.length === 0) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  for (const byte of bytes) {
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) {
      return false;
    }
    if (byte === 0x7f) return false;
  }
  return true;
}
