import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client';

/** The subset of JSON Schema that zod's toJSONSchema writes into /api/openapi.json. */
export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
}

/** What the generators may draw real values from: ids and codes that exist, so requests reach past the 404s. */
export interface Known {
  ids: string[];
  /** ids of the items a list answers, by the list's path template: what /that/path/{id} names */
  byPath: Map<string, string[]>;
  codes: string[];
  years: number[];
}

const ASCII = fc.constantFrom(...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)));
/** Printable ASCII: what a header value may hold. */
export const asciiText = (maxLength = 40) => fc.string({ unit: ASCII, maxLength });

/** Text that tends to break things: unicode, control characters, SQL and path fragments, percent signs, very long. */
export const nastyText = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom("'; DROP TABLE villages; --", '../../etc/passwd', '%', '%zz', '%00', '\u0000', '\ud800', '‮', '𠀋𠀋', 'null', 'undefined', '__proto__', 'constructor', '1e309', '-0', ' ', ''),
  fc.integer({ min: 100, max: 70_000 }).map((n) => 'x'.repeat(n)),
);

/** Any JSON value, small. */
const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 2 });

const idLike = (key: string | undefined) => key !== undefined && /(^id$|Id$|Ids$|^ids$)/.test(key);

/** Values drawn from the schema: mostly valid, at its edges, with real ids where a key names one. */
export function fromSchema(schema: JsonSchema, known: Known, key?: string, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant(null);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const union = schema.oneOf ?? schema.anyOf;
  if (union?.length) return fc.oneof(...union.map((s) => fromSchema(s, known, key, depth + 1)));
  if (schema.allOf?.length) return fromSchema(schema.allOf[0], known, key, depth + 1);
  switch (schema.type) {
    case 'string': {
      const base = stringFromSchema(schema, key);
      if (idLike(key) && known.ids.length) return fc.oneof({ arbitrary: fc.constantFrom(...known.ids), weight: 3 }, { arbitrary: base, weight: 1 });
      if (key === 'code' && known.codes.length) return fc.oneof(fc.constantFrom(...known.codes), base);
      return base;
    }
    case 'integer':
    case 'number': {
      const min = Math.max(schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1e6), -1e12);
      const max = Math.min(schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 1e6), 1e12);
      const ints = fc.oneof(fc.integer({ min: Math.ceil(min), max: Math.max(Math.ceil(min), Math.floor(max)) }), fc.constantFrom(Math.ceil(min), Math.floor(max)));
      if (key && /year/i.test(key) && known.years.length) return fc.oneof(fc.constantFrom(...known.years), ints);
      return schema.type === 'integer' ? ints : fc.oneof(ints, fc.double({ min, max, noNaN: true, noDefaultInfinity: true }));
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(fromSchema(schema.items ?? {}, known, key, depth + 1), {
        minLength: Math.min(schema.minItems ?? 0, 3),
        maxLength: Math.max(Math.min(schema.maxItems ?? 3, 3), Math.min(schema.minItems ?? 0, 3)),
      });
    case 'object': {
      const properties = schema.properties ?? {};
      const record = fc.record(
        Object.fromEntries(Object.entries(properties).map(([name, s]) => [name, fromSchema(s, known, name, depth + 1)])),
        { requiredKeys: (schema.required ?? []).filter((name) => name in properties) },
      );
      if (typeof schema.additionalProperties === 'object')
        return fc
          .tuple(record, fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fromSchema(schema.additionalProperties, known, undefined, depth + 1), { maxKeys: 4 }))
          .map(([fixed, extra]) => ({ ...extra, ...fixed }));
      return record;
    }
    default:
      return anyJson;
  }
}

function stringFromSchema(schema: JsonSchema, key: string | undefined): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = Math.max(min, Math.min(schema.maxLength ?? 24, 60));
  if (schema.format === 'date')
    return fc.oneof(
      fc.date({ min: new Date('2000-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      fc.constantFrom('2026-02-30', '2026-13-01', '0000-00-00', '2026-1-1'),
    );
  if (schema.format === 'date-time')
    return fc.oneof(
      fc.date({ min: new Date('2000-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }).map((d) => d.toISOString()),
      fc.constantFrom('2026-12-01T25:00:00Z', '2026-12-01T10:00:00+08:00', '2026-12-01'),
    );
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= Math.max(max, 64));
    } catch {
      /* a pattern fast-check cannot draw from: plain text below */
    }
  }
  if (key && /phone/i.test(key)) return fc.oneof(fc.stringMatching(/^1[3-9]\d{9}$/), fc.string({ minLength: min, maxLength: max }));
  return fc.string({ minLength: min, maxLength: max });
}

/**
 * Values beyond the schema: the schema's own with one thing wrong (an unknown key, a field of the wrong
 * type, a required field missing), or any JSON at all.
 */
export function beyondSchema(schema: JsonSchema, known: Known): fc.Arbitrary<unknown> {
  const valid = fromSchema(schema, known);
  const broken = valid.chain((value): fc.Arbitrary<unknown> => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return fc.oneof(anyJson, nastyText);
    const keys = Object.keys(value);
    return fc.oneof(
      fc.tuple(fc.constantFrom('raterGroup', 'seq', 'tenantId', 'id', '__proto__', 'constructor', 'extra'), anyJson).map(([k, v]) => ({ ...value, [k]: v })),
      ...(keys.length
        ? [
            fc.tuple(fc.constantFrom(...keys), fc.oneof(anyJson, nastyText, fc.constantFrom(-1, 1e308, 2 ** 53, -(2 ** 63), 0.5)), fc.boolean()).map(([k, v, drop]) => {
              const copy: Record<string, unknown> = { ...value };
              if (drop) delete copy[k];
              else copy[k] = v;
              return copy;
            }),
          ]
        : []),
    );
  });
  return fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: broken, weight: 3 }, { arbitrary: anyJson, weight: 1 });
}

/** A request body as sent: JSON text of a value, or text that is not JSON at all. */
export const bodyText = (value: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { arbitrary: value.map((v) => JSON.stringify(v) ?? 'null'), weight: 8 },
    { arbitrary: fc.constantFrom('', '{', '{"a":', '[]', 'null', '"x"', '{"a":1}{"b":2}', '\u0000', '{"__proto__":{"admin":true}}'), weight: 1 },
    { arbitrary: fc.integer({ min: 1, max: 200 }).map((n) => '['.repeat(n) + ']'.repeat(n)), weight: 1 },
  );

/**
 * The content of the database, table by table: the row count and every row's values, a few tables a query.
 * Two snapshots are equal only if no row was written, added or removed (tables named in `except` aside). Made for
 * one connection's database (libSQL in memory, the fuzz's): writes through another connection would not move its count.
 */
export async function snapshotter(db: Db, except: readonly string[]): Promise<() => Promise<Map<string, string>>> {
  const tables = (await db.all<{ name: string }>(sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE '%migrations' ORDER BY name")))
    .map((row) => row.name)
    .filter((name) => !except.includes(name));
  const parts: string[] = [];
  for (const table of tables) {
    const columns = (await db.all<{ name: string }>(sql.raw(`SELECT name FROM pragma_table_info('${table}')`))).map((c) => c.name);
    const row = columns.map((c) => `quote("${c}")`).join(" || ',' || ");
    parts.push(`SELECT '${table}' AS t, count(*) AS n, coalesce(group_concat(${row}, char(10)), '') AS v FROM "${table}"`);
  }
  // D1 allows few terms in a compound SELECT: a handful of tables per query
  const queries: ReturnType<typeof sql.raw>[] = [];
  for (let i = 0; i < parts.length; i += 5) queries.push(sql.raw(parts.slice(i, i + 5).join(' UNION ALL ')));
  // SQLite's count of the rows this connection has inserted, updated or deleted (triggers' too) since it opened: while
  // it stands still nothing was written, and the last snapshot is still the content (a third of the file's time
  // went to reading every table again after each refused request); when it moves, every table is read
  const writes = async () => (await db.all<{ n: number }>(sql.raw('SELECT total_changes() AS n')))[0].n;
  let last: { writes: number; content: Map<string, string> } | undefined;
  return async () => {
    const before = await writes();
    if (last?.writes === before) return last.content;
    const rows = (await Promise.all(queries.map((query) => db.all<{ t: string; n: number; v: string }>(query)))).flat();
    const content = new Map(rows.map((r) => [r.t, `${r.n}\n${r.v}`]));
    // a write during the reads leaves the count changed, and the next snapshot reads again
    last = { writes: before, content };
    return content;
  };
}

/** The tables whose content differs between two snapshots. */
export function changedTables(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((t) => before.get(t) !== after.get(t));
}
