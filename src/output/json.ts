/**
 * Reading the JSON files the product writes beside its outputs (`manifest.json`, `.envois.json`,
 * `.alertes.json`): one shape, `{ product: 'alses-reports', <key>: { <name>: entry } }`; each
 * caller decides what an absent, unreadable or invalid file means.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** What reading a JSON file against a schema gave. */
export type JsonFile<T> =
  | { readonly status: 'ok'; readonly value: T }
  /** The file does not exist (ENOENT). */
  | { readonly status: 'absent' }
  /** The file could not be read; `reason` is the system's code (EACCES…) or message. */
  | { readonly status: 'unreadable'; readonly reason: string }
  /** The file is not JSON, or not of the schema's shape. */
  | { readonly status: 'invalid' };

/** Reads `file` as UTF-8 JSON and checks it against `schema`; never throws. */
export async function readJsonFile<T>(file: string, schema: z.ZodType<T>): Promise<JsonFile<T>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { status: 'absent' } : { status: 'unreadable', reason: code ?? String(err) };
  }
  const parsed = schema.safeParse(safeJson(text));
  return parsed.success ? { status: 'ok', value: parsed.data } : { status: 'invalid' };
}

/** `JSON.parse`, with `undefined` for text that is not JSON (no schema here accepts it). */
function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Schema of a file the product keeps beside its outputs: its entries by name under `key`. */
export function productFileSchema<K extends string, V extends z.ZodType>(key: K, entry: V) {
  const shape = { product: z.literal('alses-reports'), [key]: z.record(z.string(), entry) };
  return z.object(shape as { product: z.ZodLiteral<'alses-reports'> } & { [P in K]: z.ZodRecord<z.ZodString, V> });
}
