/**
 * Reads `dispositif.yaml` with the `yaml` library and maps problems to diagnostics with exact
 * places, in French, all at once: syntax errors (`yaml/syntax`), control characters, unknown tags
 * (`yaml/tag`: `!!js/function`, `!include`, `!foo` are errors, never read as text), aliases
 * expanding beyond `MAX_YAML_ALIASES` (`yaml/alias`), characters the documents' font cannot print
 * (`yaml/glyph`), and zod issues located on the offending node through the document's ranges and
 * a `LineCounter`. `parseYamlChecked` serves templates' front matter too.
 */
import { Document, isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, visit } from 'yaml';
import type { ErrorCode, Node, Pair } from 'yaml';
import type { z } from 'zod';
import type { Diagnostic, Place } from '../../diagnostics.ts';
import type { RuleId } from '../../rules.ts';
import type { RuleParams } from '../schema.ts';
import { quote } from '../text.ts';
import { describeCharacters, unprintable } from '../../writers/glyphs.ts';

/** A YAML path as zod gives it: keys and indexes. */
export type YamlPath = readonly PropertyKey[];

/** A parsed YAML file: its plain value and a way to locate any path in it. */
export interface YamlFile {
  /** Plain JavaScript value (YAML 1.2 core schema: dates stay strings). */
  readonly value: unknown;
  /** Place of the node at `path`, or of its nearest existing ancestor. */
  readonly locate: (path: YamlPath) => Place;
  /** Place of the key `key` itself in the map at `path` (for unknown keys), else of the map. */
  readonly locateKey: (path: YamlPath, key: string) => Place;
}

const YAML_ERRORS_FR: Partial<Record<ErrorCode, string>> = {
  BAD_INDENT: 'indentation incorrecte',
  DUPLICATE_KEY: 'clé en double',
  MISSING_CHAR: 'caractère manquant (guillemet, crochet ou accolade non fermé)',
  UNEXPECTED_TOKEN: 'caractère inattendu',
  BLOCK_AS_IMPLICIT_KEY: 'bloc utilisé comme clé',
  MULTILINE_IMPLICIT_KEY: 'clé sur plusieurs lignes (il manque sans doute ":" ou une indentation)',
  TAB_AS_INDENT: 'tabulation utilisée pour indenter',
  BAD_SCALAR_START: 'valeur commençant par un caractère réservé (mettre la valeur entre guillemets)',
  BLOCK_IN_FLOW: 'bloc à l\'intérieur de crochets ou d\'accolades',
  MULTIPLE_DOCS: 'plusieurs documents dans le fichier',
  BAD_ALIAS: 'alias invalide',
  ALIAS_PROPS: 'alias "*" portant une ancre ou une étiquette',
  BAD_DIRECTIVE: 'directive "%" inconnue',
  BAD_DQ_ESCAPE: 'séquence "\\" invalide entre guillemets doubles',
  BAD_PROP_ORDER: 'ancre ou étiquette mal placée',
  BAD_COLLECTION_TYPE: 'étiquette qui ne convient pas à cette liste ou à cet ensemble de clés',
  IMPOSSIBLE: 'construction YAML illisible',
  KEY_OVER_1024_CHARS: 'clé de plus de 1024 caractères',
  MULTIPLE_ANCHORS: 'plusieurs ancres "&" sur la même valeur',
  MULTIPLE_TAGS: 'plusieurs étiquettes "!" sur la même valeur',
  NON_STRING_KEY: 'clé qui n\'est pas un texte',
  // `yaml` reports so a stack overflow while composing a collection: values nested too deep.
  RESOURCE_EXHAUSTION: 'listes ou clés imbriquées trop profondément pour être lues',
};

/**
 * Most aliases (`*ancre`) a YAML file may expand to, counted as `yaml` counts them (a "billion
 * laughs" file expands a few lines into gigabytes: issue 12). dispositif.yaml needs none.
 */
export const MAX_YAML_ALIASES = 100;

const EXPECTED_YAML = 'un fichier YAML valide, indenté par des espaces';

/** A parsed YAML text: its document, its plain value (absent after an error that makes it unreliable) and its problems. */
export interface CheckedYaml {
  readonly doc: Document;
  readonly value?: unknown;
  readonly diagnostics: Diagnostic[];
}

/**
 * Parses YAML text with every problem in French, all at once, placed by `at` (offset → place):
 * syntax errors (`yaml/syntax`; the value is then absent), unknown tags such as `!!js/function`,
 * `!include` or `!foo` (`yaml/tag`: errors, never read as text), and aliases expanding beyond
 * `MAX_YAML_ALIASES` (`yaml/alias`, at the first alias; the value is then absent).
 * @param ruleFor rule id of syntax problems (`template/front-matter` in a template's header)
 */
export function parseYamlChecked(
  text: string,
  at: (offset: number) => Place,
  lineCounter: LineCounter,
  ruleFor: { syntax: RuleId; tag: RuleId; alias: RuleId } = { syntax: 'yaml/syntax', tag: 'yaml/tag', alias: 'yaml/alias' },
): CheckedYaml {
  // A control character (a NUL byte…) is no text: it would reach the documents (issue 12).
  const control = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.exec(text);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).padStart(2, '0').toUpperCase();
    lineCounter.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
    const message = `caractère de contrôle 0x${code}${code === '00' ? ' (octet nul : fichier binaire, ou texte UTF-16)' : ''} (attendu : un fichier texte YAML, en UTF-8)`;
    return { doc: new Document(), diagnostics: [{ severity: 'error', ruleId: ruleFor.syntax, message: `syntaxe YAML : ${message}`, place: at(control.index) }] };
  }
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  // A nesting too deep is reported at each level the overflow unwinds: once, at the outermost.
  const overflows = doc.errors.filter((e) => e.code === 'RESOURCE_EXHAUSTION').sort((a, b) => a.pos[0] - b.pos[0]);
  const problems = [...doc.errors, ...doc.warnings].filter((e) => e.code !== 'RESOURCE_EXHAUSTION' || e === overflows[0]);
  const diagnostics: Diagnostic[] = problems.map((e) => {
    if (e.code === 'TAG_RESOLVE_FAILED') {
      const tag = /^!\S*/.exec(text.slice(e.pos[0]))?.[0] ?? /tag: ?(\S+)/.exec(e.message)?.[1] ?? '!';
      return {
        severity: 'error' as const,
        ruleId: ruleFor.tag,
        message: `étiquette YAML ${quote(tag)} inconnue : elle n'est pas lue (attendu : une valeur simple, sans étiquette "!", ex. titre: "Rapport")`,
        place: at(e.pos[0]),
        actual: tag,
      };
    }
    // An unclosed quote is reported by `yaml` where the file ends; point at the opening quote.
    const opening = e.code === 'MISSING_CHAR' ? openQuoteBefore(doc, e.pos[0]) : undefined;
    // The key as written, up to its « : » (`yaml` places the error on its first character).
    const key = e.code === 'DUPLICATE_KEY' ? (/^([^:\n]+?)\s*:/.exec(text.slice(e.pos[0]))?.[1]?.trim() ?? '') : '';
    const what =
      opening !== undefined
        ? 'guillemet ouvert ici et jamais fermé'
        : key !== '' && key.length <= 80
          ? `clé « ${key} » en double`
          : (YAML_ERRORS_FR[e.code] ?? `construction YAML inattendue (${e.code})`);
    return { severity: 'error' as const, ruleId: ruleFor.syntax, message: `syntaxe YAML : ${what} (attendu : ${EXPECTED_YAML})`, place: at(opening ?? e.pos[0]) };
  });
  if (doc.errors.length > 0) return { doc, diagnostics };
  try {
    return { doc, value: doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) as unknown, diagnostics };
  } catch (err) {
    let first: number | undefined;
    visit(doc, {
      Alias(_, node) {
        first ??= node.range?.[0];
      },
    });
    const bomb = err instanceof Error && /alias count/i.test(err.message);
    // No alias at all: values nested too deep to be converted (« [[[[…]]]] » a thousand times).
    const deep = first === undefined && err instanceof RangeError;
    diagnostics.push({
      severity: 'error',
      ruleId: deep ? ruleFor.syntax : ruleFor.alias,
      message: deep
        ? `syntaxe YAML : listes ou clés imbriquées trop profondément pour être lues (attendu : ${EXPECTED_YAML})`
        : bomb
          ? `alias YAML "*" trop nombreux : leur expansion dépasse ${MAX_YAML_ALIASES} valeurs (attendu : des valeurs écrites sans alias ; un fichier ainsi construit est une attaque par expansion)`
          : `alias YAML "*" sans ancre "&" de ce nom avant lui (attendu : ${EXPECTED_YAML}, sans alias)`,
      place: at(first ?? 0),
    });
    return { doc, diagnostics };
  }
}

/**
 * Parses YAML text. Problems are those of `parseYamlChecked`; when one makes the structure
 * unreliable (syntax, aliases), `yaml` is absent and nothing else is checked. Unknown tags are
 * errors but the rest of the file is still checked (all problems at once).
 */
export function readYaml(text: string, file: string): { yaml?: YamlFile; diagnostics: Diagnostic[] } {
  const source = text.replace(/^\uFEFF/, '');
  const lineCounter = new LineCounter();
  const at = (offset: number): Place => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const { doc, value, diagnostics } = parseYamlChecked(source, at, lineCounter);
  if (value === undefined && diagnostics.length > 0) return { diagnostics };
  // A character the documents' font cannot print is placed on its value here, not on the
  // template that would print it (issue 12).
  visit(doc, {
    Scalar(key, node) {
      const missing = key !== 'key' && typeof node.value === 'string' ? unprintable(node.value) : [];
      if (missing.length > 0)
        diagnostics.push({
          severity: 'error',
          ruleId: 'yaml/glyph',
          message: `valeur ${quote(String(node.value))} : ${describeCharacters(missing)} absent(s) de la police des documents (Source Sans 3), imprimé(s) comme un rectangle vide (attendu : des lettres, chiffres et signes que la police imprime)`,
          place: at(node.range?.[0] ?? 0),
        });
    },
  });
  return {
    yaml: {
      value,
      locate: (path) => at(nodeAt(doc, path)?.range?.[0] ?? 0),
      locateKey: (path, key) => at((keyNodeAt(doc, path, key) ?? nodeAt(doc, path))?.range?.[0] ?? 0),
    },
    diagnostics,
  };
}

/** Offset of the quoted scalar running up to `offset` (an unclosed quote), if any. */
function openQuoteBefore(doc: Document, offset: number): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Scalar(_, node) {
      const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
      if (quoted && node.range && node.range[0] <= offset && offset <= node.range[2]) found = node.range[0];
    },
  });
  return found;
}

/** The node at `path`, or the nearest ancestor that exists (for a missing key: its map). */
function nodeAt(doc: Document, path: YamlPath): Node | undefined {
  let node: Node | undefined = doc.contents ?? undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => keyOf(p) === String(key));
      if (!pair) break;
      const value = pair.value as Node | null;
      node = value ?? (pair.key as Node);
    } else if (isSeq(node) && typeof key === 'number' && node.items[key]) {
      node = node.items[key] as Node;
    } else break;
  }
  return node;
}

/** The key node of `key` in the map at `path` (for unknown keys). */
function keyNodeAt(doc: Document, path: YamlPath, key: string): Node | undefined {
  const map = nodeAt(doc, path);
  if (!isMap(map)) return undefined;
  return map.items.find((p) => keyOf(p) === key)?.key as Node | undefined;
}

const keyOf = (pair: Pair): string | undefined => (isScalar(pair.key) ? String(pair.key.value) : undefined);

/** `objectifs[1].cible` */
export function formatYamlPath(path: YamlPath): string {
  let s = '';
  for (const k of path) s += typeof k === 'number' ? `[${k}]` : `${s ? '.' : ''}${String(k)}`;
  return s;
}

const TYPE_FR: Record<string, string> = {
  string: 'texte',
  number: 'nombre',
  boolean: 'booléen (true/false)',
  array: 'liste (lignes commençant par "- ")',
  object: 'ensemble de clés (clé: valeur)',
  undefined: 'absent',
  null: 'vide',
};

function typeOfValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

const showValue = (v: unknown): string => (typeof v === 'string' ? quote(v) : typeof v === 'object' ? TYPE_FR[typeOfValue(v)]! : String(v));

/**
 * Maps zod issues on a YAML file to diagnostics located on the offending node. Custom issues
 * carry their rule id (`params.ruleId`) and French message; the others become `yaml/required`
 * (missing key), `yaml/unknown-key` (one per unknown key, at the key) or `yaml/schema`.
 *
 * @param schema the schema validated (to list the keys expected where an unknown key is found)
 */
export function zodIssuesToDiagnostics(
  issues: readonly z.core.$ZodIssue[],
  yaml: YamlFile,
  schema: z.ZodType,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  // `.int()` bounds a number by the largest safe integer as well as by the schema's own maximum:
  // one message, the tighter bound's.
  const tightest = new Map<string, number>();
  for (const issue of issues)
    if (issue.code === 'too_big') {
      const key = JSON.stringify(issue.path);
      tightest.set(key, Math.min(tightest.get(key) ?? Infinity, Number(issue.maximum)));
    }
  for (const issue of issues) {
    if (issue.code === 'too_big' && Number(issue.maximum) > tightest.get(JSON.stringify(issue.path))!) continue;
    const path = issue.path as YamlPath;
    const field = formatYamlPath(path);
    const where = field ? `champ ${quote(field)}` : 'fichier';
    const base = { severity: 'error' as const, place: yaml.locate(path), ...(field ? { field } : {}) };
    if (issue.input === undefined && issue.code !== 'custom' && issue.code !== 'unrecognized_keys') {
      const expected = expectedAt(schema, path, issue.code === 'invalid_type' ? issue.expected : '');
      out.push({ ...base, ruleId: 'yaml/required', message: `${where} manquant (attendu : ${expected})` });
      continue;
    }
    switch (issue.code) {
      case 'custom': {
        const params = issue.params as RuleParams | undefined;
        out.push({
          ...base,
          ruleId: params?.ruleId ?? 'yaml/schema',
          message: issue.message,
          ...(params?.actual !== undefined ? { actual: params.actual } : {}),
          ...(params?.expected !== undefined ? { expected: params.expected } : {}),
        });
        break;
      }
      case 'unrecognized_keys': {
        const expected = expectedKeys(schema, path);
        for (const key of issue.keys) {
          const keyPath = [...path, key];
          out.push({
            severity: 'error',
            ruleId: 'yaml/unknown-key',
            message: `clé ${quote(key)} inconnue${field ? ` dans ${quote(field)}` : ''} (attendu : ${expected.join(', ')})`,
            place: yaml.locateKey(path, key),
            field: formatYamlPath(keyPath),
          });
        }
        break;
      }
      case 'invalid_type': {
        const expected = expectedAt(schema, path, issue.expected);
        const type = typeOfValue(issue.input);
        const found =
          type === 'null'
            ? 'vide'
            : type === 'object' || type === 'array'
              ? `: contenu de type ${TYPE_FR[type]}`
              : `: valeur ${showValue(issue.input)} de type ${TYPE_FR[type] ?? type}`;
        out.push({ ...base, ruleId: 'yaml/schema', message: `${where} ${found} (attendu : ${expected})` });
        break;
      }
      case 'too_small': {
        const message =
          issue.origin === 'array'
            ? `${where} : liste trop courte (attendu : au moins ${issue.minimum} élément${Number(issue.minimum) > 1 ? 's' : ''})`
            : issue.origin === 'string'
              ? `${where} vide (attendu : ${expectedAt(schema, path, 'string')})`
              : `${where} : valeur ${showValue(issue.input)} trop petite (attendu : ${expectedAt(schema, path, 'number')}, ${issue.inclusive ? '≥' : '>'} ${issue.minimum})`;
        out.push({ ...base, ruleId: 'yaml/schema', message });
        break;
      }
      case 'too_big': {
        if (!isZodDefault(issue.message)) {
          out.push({ ...base, ruleId: 'yaml/schema', message: `${where} : valeur ${showValue(issue.input)} invalide (${issue.message})` });
          break;
        }
        const message =
          issue.origin === 'array'
            ? `${where} : liste trop longue (attendu : au plus ${issue.maximum} élément${Number(issue.maximum) > 1 ? 's' : ''})`
            : issue.origin === 'string'
              ? `${where} : texte trop long (attendu : ${expectedAt(schema, path, 'string')}, au plus ${issue.maximum} caractères)`
              : `${where} : valeur ${showValue(issue.input)} trop grande (attendu : ${expectedAt(schema, path, 'number')}, ${issue.inclusive ? '≤' : '<'} ${issue.maximum})`;
        out.push({ ...base, ruleId: 'yaml/schema', message });
        break;
      }
      case 'invalid_value': {
        out.push({
          ...base,
          ruleId: 'yaml/schema',
          message: `${where} : valeur ${showValue(issue.input)} inconnue (attendu : ${issue.values.map(String).join(' ou ')})`,
        });
        break;
      }
      default:
        // The schema's own messages are French; Zod's are English: then what is expected comes
        // from the schema's description.
        out.push({
          ...base,
          ruleId: 'yaml/schema',
          message: `${where} : valeur ${showValue(issue.input)} invalide (${isZodDefault(issue.message) ? `attendu : ${expectedAt(schema, path, '')}` : issue.message})`,
        });
    }
  }
  return out;
}

/** Whether an issue's message is one of Zod's English defaults (« Too big: expected int to be <=… »), not the schema's own. */
const isZodDefault = (message: string): boolean => /^(Invalid|Too (big|small)|Unrecognized|Expected)\b/.test(message);

/** The schema that validates the value at `path` (through arrays, optionals and defaults). */
function schemaAt(schema: z.core.$ZodType, path: YamlPath): z.core.$ZodType | undefined {
  const unwrap = (t: z.core.$ZodType | undefined): z.core.$ZodType | undefined => {
    while (t) {
      const def = t._zod.def as { type: string; innerType?: z.core.$ZodType };
      if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType) t = def.innerType;
      else break;
    }
    return t;
  };
  let s: z.core.$ZodType | undefined = unwrap(schema);
  for (const key of path) {
    const def = s?._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType } | undefined;
    if (def?.type === 'object' && typeof key === 'string') s = unwrap(def.shape?.[key]);
    else if (def?.type === 'array' && typeof key === 'number') s = unwrap(def.element);
    else return undefined;
  }
  return s;
}

/** Keys the schema accepts at `path`. */
function expectedKeys(schema: z.ZodType, path: YamlPath): string[] {
  const def = schemaAt(schema, path)?._zod.def as { type: string; shape?: Record<string, unknown> } | undefined;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

/** French wording of what is expected at `path`: the schema's description, else its type. */
function expectedAt(schema: z.ZodType, path: YamlPath, type: string): string {
  const at = schemaAt(schema, path);
  const description = at && 'description' in at ? (at as z.ZodType).description : undefined;
  return description ?? TYPE_FR[type] ?? (type || 'une valeur');
}
