/**
 * Just enough ZIP to make DOCX files byte-reproducible: read the entries of a ZIP file, and write
 * entries in a given order with one fixed date, DEFLATE-compressed. No ZIP64, no encryption, no
 * multi-disk archives: DOCX packages of this product are far below 4 GB.
 *
 * Format: PKWARE APPNOTE.TXT (local file headers, central directory, end of central directory).
 */
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

/** An entry of a ZIP file: its path inside the archive and its uncompressed bytes. */
export interface ZipEntry {
  readonly path: string;
  readonly data: Uint8Array;
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const UTF8_FLAG = 0x0800;

/**
 * The entries of a ZIP file, in central-directory order (folders left out).
 * @throws Error when the bytes are not a ZIP file this reader supports (stored or DEFLATE
 * entries, no ZIP64).
 */
export function readZip(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === END) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('Archive ZIP illisible : fin du répertoire central introuvable');
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const entries: ZipEntry[] = [];
  for (let k = 0; k < count; k++) {
    if (view.getUint32(at, true) !== CENTRAL) throw new Error('Archive ZIP illisible : répertoire central corrompu');
    const method = view.getUint16(at + 10, true);
    const compressedSize = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const localOffset = view.getUint32(at + 42, true);
    const path = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
    if (path.endsWith('/')) continue;
    if (view.getUint32(localOffset, true) !== LOCAL) throw new Error(`Archive ZIP illisible : entrée « ${path} » introuvable`);
    const start = localOffset + 30 + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
    const raw = bytes.subarray(start, start + compressedSize);
    if (method === 0) entries.push({ path, data: raw.slice() });
    else if (method === 8) entries.push({ path, data: new Uint8Array(inflateRawSync(raw)) });
    else throw new Error(`Archive ZIP : méthode de compression ${method} non prise en charge (entrée « ${path} »)`);
  }
  return entries;
}

/**
 * A ZIP file holding `entries` in the given order, each DEFLATE-compressed and stamped with
 * `date` (its calendar day and time as read in UTC, to 2 s): the same entries and date always
 * give the same bytes.
 * @throws RangeError for a date before 1980 (not representable in ZIP) or an entry over 4 GB.
 */
export function writeZip(entries: readonly ZipEntry[], date: Date): Uint8Array {
  if (date.getUTCFullYear() < 1980) throw new RangeError(`Date ZIP antérieure à 1980 : ${date.toISOString()}`);
  const time = (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2);
  const day = ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = new TextEncoder().encode(entry.path);
    const compressed = deflateRawSync(entry.data, { level: 9 });
    if (entry.data.length > 0xffffffff || compressed.length > 0xffffffff) throw new RangeError(`Entrée ZIP trop grande : ${entry.path}`);
    const crc = crc32(entry.data) >>> 0;
    // Fields shared by the local header (from offset 4) and the central header (from offset 6).
    const common = (v: DataView, o: number) => {
      v.setUint16(o, 20, true); // version needed: 2.0 (DEFLATE)
      v.setUint16(o + 2, UTF8_FLAG, true);
      v.setUint16(o + 4, 8, true); // DEFLATE
      v.setUint16(o + 6, time, true);
      v.setUint16(o + 8, day, true);
      v.setUint32(o + 10, crc, true);
      v.setUint32(o + 14, compressed.length, true);
      v.setUint32(o + 18, entry.data.length, true);
      v.setUint16(o + 22, name.length, true);
    };
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, LOCAL, true);
    common(lv, 4);
    local.set(name, 30);
    const head = new Uint8Array(46 + name.length);
    const cv = new DataView(head.buffer);
    cv.setUint32(0, CENTRAL, true);
    cv.setUint16(4, 20, true); // version made by: 2.0, MS-DOS attributes
    common(cv, 6);
    cv.setUint32(42, offset, true);
    head.set(name, 46);
    parts.push(local, compressed);
    central.push(head);
    offset += local.length + compressed.length;
  }
  const centralSize = central.reduce((s, c) => s + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, END, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, centralSize, true);
  ev.setUint32(16, offset, true);
  return Buffer.concat([...parts, ...central, end]);
}
