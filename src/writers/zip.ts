/**
 * ZIP reading and writing for byte-reproducible DOCX packages, on fflate (the ZIP library `docx`
 * itself uses): entries written in a given order, DEFLATE-compressed, all stamped with one date.
 */
import { unzipSync, zipSync, type Zippable } from 'fflate';

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
 * A ZIP file holding `entries` in the given order, each DEFLATE-compressed and stamped with
 * `date`'s UTC calendar day and time (to 2 s): the same entries and date always give the same
 * bytes, whatever the machine's time zone.
 * @throws RangeError for a date before 1980 (not representable in ZIP).
 */
export function writeZip(entries: readonly ZipEntry[], date: Date): Uint8Array {
  if (date.getUTCFullYear() < 1980) throw new RangeError(`Date ZIP antérieure à 1980 : ${date.toISOString()}`);
  // ZIP (MS-DOS) times have no zone and fflate reads the Date's local fields: build a local Date
  // whose fields are `date`'s UTC ones, so the stamp does not depend on the machine's TZ.
  const mtime = new Date(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds());
  const files: Zippable = {};
  for (const e of entries) files[e.path] = [e.data, { mtime, level: 6 }];
  return zipSync(files);
}
