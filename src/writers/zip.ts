/**
 * ZIP reading and writing for byte-reproducible DOCX packages: entries written in a given order,
 * DEFLATE-compressed, all stamped with one date. Written by yazl, whose entries are compressed
 * by Node's zlib (native code, as pdfkit compresses the PDF's streams), read by fflate (the ZIP
 * library `docx` itself uses). fflate wrote them too until issue 11: its DEFLATE is JavaScript,
 * which a cold command runs before V8 has optimised it — 58 ms for the three DOCX of a cold
 * `alses render`, against 8 ms for zlib.
 */
import { unzipSync } from 'fflate';
import yazl from 'yazl';

/** An entry of a ZIP file: its path inside the archive and its uncompressed bytes. */
export interface ZipEntry {
  readonly path: string;
  readonly data: Uint8Array;
}

/**
 * The entries of a ZIP file, in archive order (folders left out).
 * @throws Error when the bytes are not a ZIP file.
 */
export function readZip(bytes: Uint8Array): ZipEntry[] {
  return Object.entries(unzipSync(bytes))
    .filter(([path]) => !path.endsWith('/'))
    .map(([path, data]) => ({ path, data }));
}

/**
 * A ZIP file holding `entries` in the given order, each DEFLATE-compressed (zlib, level 6) and
 * stamped with `date`'s UTC calendar day and time (to 2 s), with no other time field: the same
 * entries and date always give the same bytes, whatever the machine's time zone. Each local
 * header holds its entry's sizes and CRC (no data descriptors).
 * @throws RangeError for a date before 1980 (not representable in ZIP).
 */
export async function writeZip(entries: readonly ZipEntry[], date: Date): Promise<Uint8Array> {
  if (date.getUTCFullYear() < 1980) throw new RangeError(`Date ZIP antérieure à 1980 : ${date.toISOString()}`);
  // ZIP (MS-DOS) times have no zone and yazl reads the Date's local fields: build a local Date
  // whose fields are `date`'s UTC ones, so the stamp does not depend on the machine's TZ. Its
  // Unix time would (local, not UTC): `forceDosTimestamp` leaves out the field that holds one.
  const mtime = new Date(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds());
  const zip = new yazl.ZipFile();
  for (const e of entries) {
    const data = Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength);
    zip.addBuffer(data, e.path, { mtime, mode: 0o100644, compressionLevel: 6, forceDosTimestamp: true });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
