/**
 * PDF/A-1b validation with Apache PDFBox Preflight, for tests: many PDFs checked in one JVM run
 * (starting Java costs about a second; checking a file, a few tens of milliseconds).
 *
 * Preflight comes from Debian packages (`.ci/run` installs them): `libpdfbox2-java` (PDFBox 2.0,
 * Preflight, XMPBox, FontBox), plus `libactivation-java` and `libjaxb-api-java`, which Preflight
 * needs and Java 11+ no longer ships; Java itself from `default-jre-headless`. Another class path
 * can be given in `PREFLIGHT_CLASSPATH` (jar paths joined with `:`).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/** The jars Preflight 2.0 runs with, as Debian installs them. */
export const PREFLIGHT_JARS = [
  '/usr/share/java/preflight.jar',
  '/usr/share/java/pdfbox2.jar',
  '/usr/share/java/fontbox2.jar',
  '/usr/share/java/xmpbox.jar',
  '/usr/share/java/commons-logging.jar',
  '/usr/share/java/javax.activation.jar',
  '/usr/share/java/jaxb-api.jar',
] as const;

const INSTALL = 'apt-get install -y --no-install-recommends default-jre-headless libpdfbox2-java libactivation-java libjaxb-api-java';

/** Preflight's verdict on one file. */
export interface PreflightResult {
  /** The name the file was given. */
  readonly name: string;
  readonly valid: boolean;
  /** Each error as Preflight prints it: `<code> : <details>[ on page N]`. */
  readonly errors: readonly string[];
}

/**
 * The class path to run Preflight with.
 * @throws Error naming the missing jars and the packages to install, when some are missing.
 */
export function preflightClasspath(): string {
  const jars = process.env.PREFLIGHT_CLASSPATH?.split(':') ?? [...PREFLIGHT_JARS];
  const missing = jars.filter((jar) => !existsSync(jar));
  if (missing.length > 0) throw new Error(`Apache PDFBox Preflight is not installed (missing ${missing.join(', ')}): ${INSTALL}`);
  return jars.join(':');
}

/**
 * Validates PDFs against PDF/A-1b with Preflight's `Validator_A1b`, all in one JVM run.
 * @param files name (unique, a plain file name such as `annexe.pdf`) → PDF bytes.
 * @returns one result per file, in the order given.
 * @throws Error when Preflight or Java is missing, or when Preflight's output cannot be read.
 */
export async function preflight(files: ReadonlyMap<string, Uint8Array>): Promise<PreflightResult[]> {
  const classpath = preflightClasspath();
  const dir = await mkdtemp(path.join(tmpdir(), 'alses-preflight-'));
  try {
    for (const [name, bytes] of files) {
      if (path.basename(name) !== name) throw new Error(`Not a plain file name: ${name}`);
      await writeFile(path.join(dir, name), bytes);
    }
    // `group <folder>` validates every file of the folder and prints one verdict per file; the
    // exit code is not 0 when one is invalid, which the verdicts say in more detail.
    const args = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Djava.awt.headless=true', '-cp', classpath, 'org.apache.pdfbox.preflight.Validator_A1b', 'group', dir];
    const { stdout, stderr } = await promisify(execFile)('java', args, { maxBuffer: 64 * 1024 * 1024 }).catch((err: { stdout?: string; stderr?: string; code?: unknown }) => {
      if (typeof err.stdout === 'string' && err.stdout.includes('The file ')) return { stdout: err.stdout, stderr: err.stderr ?? '' };
      throw new Error(`Preflight failed to run (java ${String(err.code)}): ${err.stderr ?? String(err)}`);
    });
    const results = parseVerdicts(stdout);
    return [...files.keys()].map((name) => {
      const result = results.get(name);
      if (!result) throw new Error(`Preflight said nothing about ${name}:\n${stdout}\n${stderr}`);
      return result;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Reads `Validator_A1b`'s text report: a verdict line per file, then its errors up to a blank line. */
function parseVerdicts(stdout: string): Map<string, PreflightResult> {
  const results = new Map<string, PreflightResult>();
  let current: { name: string; valid: boolean; errors: string[] } | undefined;
  for (const line of stdout.split('\n')) {
    const verdict = /^The file (.+) is (not )?a valid PDF\/A-1b file/.exec(line);
    if (verdict) {
      current = { name: verdict[1] ?? '', valid: verdict[2] === undefined, errors: [] };
      results.set(current.name, current);
    } else if (line.trim() === '') {
      current = undefined;
    } else {
      current?.errors.push(line.trim());
    }
  }
  return results;
}
