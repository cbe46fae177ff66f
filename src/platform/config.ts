import * as z from 'zod/mini';
import { en } from 'zod/locales';

/**
 * Every setting the app reads from its environment, in one place: the Worker's bindings (wrangler.toml
 * [vars] and secrets) or the Node process environment. Parsed once, at start in Node (an invalid value
 * stops the process with one message) and on the first request in the Worker (503 until fixed).
 */

/** The development key of `npm start` and `npm run start:node` (demo mode only): public, so never accepted in production. */
export const DEV_APP_SECRET = 'dev-only-xingping-secret-change-me';

/** 32 random bytes written as base64url (43 characters) or hex (64): the shortest secret production accepts. */
const MIN_SECRET_LENGTH = 43;
const SECRET_ALPHABET = /^[A-Za-z0-9+/_=-]+$/;
/** a random 43-character secret has about 30 distinct characters; "aaaa…" or "abab…" has a handful */
const MIN_DISTINCT_CHARACTERS = 12;

/** The HMAC keys: `current` signs and keys everything new; `previous` (during a rotation) is still accepted when verifying. */
export interface Secrets {
  current: string;
  previous?: string;
}

/** What the app (both runtimes) needs from its environment. */
export interface AppConfig {
  /** demo mode: the development secret is allowed and cookies default to plain HTTP (`npm start`, `npm run start:node`) */
  demo: boolean;
  secrets: Secrets;
  /** <slug>.<baseDomain> resolves to the tenant <slug> */
  baseDomain?: string;
  /** session cookies carry `Secure` (HTTPS only); off only by INSECURE_COOKIES=1, or by default in demo mode */
  secureCookies: boolean;
  /** the shard a county created from now on is placed on (NEW_COUNTY_SHARD; `main` by default): docs/scaling.md */
  newCountyShard: string;
}

/** The self-hosted server's settings beyond the app's. */
export interface NodeConfig extends AppConfig {
  database: DatabaseConfig;
  /** the shards besides `main` (the registry's own database): SHARDS=<name>=<libSQL URL>,… (docs/scaling.md) */
  shards: Record<string, DatabaseConfig>;
  /** trust X-Forwarded-For (behind a reverse proxy) */
  trustProxy: boolean;
  /** run the crons in this process (NO_SCHEDULER=1 turns them off, e.g. on a second replica) */
  scheduler: boolean;
  port: number;
  host: string;
  /** where the audit trail's daily anchors and monthly archives go (docs/audit.md): outside the database */
  auditArchiveDir: string;
  /** where the meeting photos go (docs/organisation-life.md) */
  photoDir: string;
}

export interface DatabaseConfig {
  url: string;
  authToken?: string;
}

export const DEFAULT_DATABASE_URL = 'file:data/xingping.db';
export const DEFAULT_AUDIT_ARCHIVE_DIR = 'data/audit-archive';
export const DEFAULT_PHOTO_DIR = 'data/photos';

/** Why a secret is not good enough for production, or undefined when it is. */
export function secretProblem(secret: string): string | undefined {
  if (secret === DEV_APP_SECRET) return 'is the public development value; generate your own (openssl rand -base64 32)';
  if (!SECRET_ALPHABET.test(secret)) return 'must be base64, base64url or hex text (openssl rand -base64 32)';
  if (secret.length < MIN_SECRET_LENGTH)
    return `is ${secret.length} characters; it must hold at least 32 random bytes: ${MIN_SECRET_LENGTH}+ base64url or 64 hex characters (openssl rand -base64 32)`;
  if (new Set(secret).size < MIN_DISTINCT_CHARACTERS) return 'does not look random (too few distinct characters); use openssl rand -base64 32';
  return undefined;
}

/** An unset variable and an empty one mean the same: not set. */
/** zod/mini has no z.preprocess: the same pipe, a transform into the schema */
const preprocess = <T extends z.ZodMiniType>(fn: (value: unknown) => unknown, schema: T) => z.pipe(z.transform(fn), schema);
const optionalText = preprocess((value) => (value === '' || value === null ? undefined : value), z.optional(z.string().check(z.trim())));
/** "1"/"true" on, "0"/"false" off, anything else is a mistake worth stopping for */
const flag = preprocess(
  (value) => (value === '' || value === null ? undefined : typeof value === 'string' ? value.trim().toLowerCase() : value),
  z.pipe(z.optional(z.enum(['1', '0', 'true', 'false'], { error: 'must be 1 or 0' })), z.transform((value) => (value === undefined ? undefined : value === '1' || value === 'true'))),
);
const hostName = preprocess(
  (value) => (value === '' ? undefined : value),
  z.optional(z.string().check(z.trim(), z.toLowerCase(), z.regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/, { error: 'must be a host name such as xingping.example.cn' }))),
);

/** A shard's name (src/db/databases.ts SHARD_NAME): lower case, as its binding SHARD_<NAME> upper-cased. */
const shardName = z.string().check(z.trim(), z.regex(/^[a-z][a-z0-9_]{0,30}$/, { error: 'must be a shard name: a–z, 0–9, _ (e.g. sd1)' }));

const appFields = {
  NEW_COUNTY_SHARD: preprocess((value) => (value === '' ? undefined : value), z._default(shardName, 'main')),
  DEMO_MODE: flag,
  APP_SECRET: optionalText,
  APP_SECRET_PREVIOUS: optionalText,
  BASE_DOMAIN: hostName,
  INSECURE_COOKIES: flag,
};

type SecretFields = z.output<typeof secretFields>;
const secretFields = z.object({ DEMO_MODE: flag, APP_SECRET: optionalText, APP_SECRET_PREVIOUS: optionalText });

function checkSecrets(env: SecretFields, ctx: z.core.$RefinementCtx) {
  const demo = env.DEMO_MODE === true;
  if (!env.APP_SECRET) {
    if (!demo)
      ctx.addIssue({ code: 'custom', path: ['APP_SECRET'], message: `must be set outside demo mode (at least 32 random bytes: openssl rand -base64 32)` });
  } else if (!demo) {
    const problem = secretProblem(env.APP_SECRET);
    if (problem) ctx.addIssue({ code: 'custom', path: ['APP_SECRET'], message: problem });
  }
  if (env.APP_SECRET_PREVIOUS) {
    if (!env.APP_SECRET) ctx.addIssue({ code: 'custom', path: ['APP_SECRET_PREVIOUS'], message: 'is set without APP_SECRET' });
    // equal to APP_SECRET it is ignored, not refused: `wrangler secret put APP_SECRET_PREVIOUS` (the old value) then
    // `… APP_SECRET` (the new one) is a safe order, each put deploying at once
    // the development value is published in this repository: what it signed (ballot passes, QR and poster tokens)
    // anyone could have signed, so it is never a key to go on accepting; a demo moved to production starts afresh
    else if (!demo && env.APP_SECRET_PREVIOUS === DEV_APP_SECRET)
      ctx.addIssue({ code: 'custom', path: ['APP_SECRET_PREVIOUS'], message: 'is the published development secret: anyone can sign with it; leave APP_SECRET_PREVIOUS unset' });
    // the old key was in use already: only its length matters here
    else if (!demo && env.APP_SECRET_PREVIOUS.length < 16)
      ctx.addIssue({ code: 'custom', path: ['APP_SECRET_PREVIOUS'], message: 'is too short to have been a secret' });
  }
}

/** The secrets' rules depend on demo mode; checked apart so that one bad field does not hide them (zod skips refinements of an invalid object). */
const secretsSchema = secretFields.check(z.superRefine(checkSecrets));

/** Parses `env` with `schema` and the secrets' rules; throws one ConfigError listing every problem. */
/** zod's English messages for the settings' problems (zod/mini sets no language of its own) */
const inEnglish = { error: en().localeError };

function parseAll<T extends z.ZodMiniType>(schema: T, env: Record<string, unknown>): z.output<T> {
  const parsed = schema.safeParse(env, inEnglish);
  const secrets = secretsSchema.safeParse(env, inEnglish);
  const problems = [...(parsed.success ? [] : problemsOf(parsed.error)), ...(secrets.success ? [] : problemsOf(secrets.error))];
  if (!parsed.success || !secrets.success) throw new ConfigError([...new Set(problems)]);
  return parsed.data;
}

const appSchema = z.object(appFields);

function toAppConfig(env: z.output<typeof appSchema>): AppConfig {
  const demo = env.DEMO_MODE === true;
  return {
    demo,
    secrets: {
      current: env.APP_SECRET ?? DEV_APP_SECRET,
      ...(env.APP_SECRET_PREVIOUS && env.APP_SECRET_PREVIOUS !== env.APP_SECRET ? { previous: env.APP_SECRET_PREVIOUS } : {}),
    },
    ...(env.BASE_DOMAIN ? { baseDomain: env.BASE_DOMAIN } : {}),
    secureCookies: !(env.INSECURE_COOKIES ?? demo),
    newCountyShard: env.NEW_COUNTY_SHARD,
  };
}

/** The configuration could not be read: each line names a variable and what is wrong with it. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function problemsOf(error: z.core.$ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(environment)'} ${issue.message}`);
}

/** Parses the app's settings from bindings or process.env; throws ConfigError listing every problem. */
export function parseAppConfig(env: Record<string, unknown>): AppConfig {
  return toAppConfig(parseAll(appSchema, env));
}

const cache = new WeakMap<object, AppConfig | ConfigError>();

/**
 * The Worker's configuration, parsed once per bindings object (the runtime hands every request the same
 * one). A ConfigError is cached as well, so a misconfigured Worker logs it once per instance.
 */
export function configOf(env: object): AppConfig {
  let entry = cache.get(env);
  if (!entry) {
    try {
      entry = parseAppConfig(env as Record<string, unknown>);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      entry = error;
      console.error(`星评 xingping is not configured: ${error.message}\nSee docs/operations.md (secrets).`);
    }
    cache.set(env, entry);
  }
  if (entry instanceof ConfigError) throw entry;
  return entry;
}

const databaseFields = {
  DATABASE_URL: preprocess(
    (value) => (value === '' ? undefined : value),
    z._default(z.string().check(z.trim(), z.regex(/^(file:|libsql:|https?:|wss?:|:memory:$)/, { error: 'must be file:<path>, libsql://…, http(s)://… or :memory:' })), DEFAULT_DATABASE_URL),
  ),
  DATABASE_AUTH_TOKEN: optionalText,
};

/** The libSQL database of the self-hosted server and the command-line scripts. */
export function parseDatabaseConfig(env: Record<string, unknown>): DatabaseConfig {
  const parsed = z.object(databaseFields).safeParse(env, inEnglish);
  if (!parsed.success) throw new ConfigError(problemsOf(parsed.error));
  return { url: parsed.data.DATABASE_URL, ...(parsed.data.DATABASE_AUTH_TOKEN ? { authToken: parsed.data.DATABASE_AUTH_TOKEN } : {}) };
}

/** SHARDS=sd1=file:data/sd1.db,sd2=libsql://sd2.example.cn?authToken=… : each shard's name and libSQL URL. */
const shardList = preprocess(
  (value) => (value === '' || value === undefined ? [] : typeof value === 'string' ? value.split(',').map((item) => item.trim()).filter(Boolean) : value),
  z.array(
    z.string().check(
      z.regex(/^[a-z][a-z0-9_]{0,30}=(file:|libsql:|https?:|wss?:)/, { error: 'must list <name>=<libSQL URL>, comma-separated (e.g. sd1=file:data/sd1.db)' }),
      z.refine((item) => !item.startsWith('main='), { error: 'must not name main: shard main is DATABASE_URL itself' }),
    ),
  ).check(
    z.refine((items) => new Set(items.map((item) => item.split('=')[0])).size === items.length, { error: 'names a shard twice' }),
    // two names for one database: a county moved from one to the other would lose its rows
    z.refine((items) => new Set(items.map((item) => item.slice(item.indexOf('=') + 1))).size === items.length, { error: 'gives one database two shard names' }),
  ),
);

/** The shards of SHARDS (`<name>=<libSQL URL>,…`), for the command-line scripts: the server reads them with the rest. */
export function parseShardsConfig(env: Record<string, unknown>): Record<string, DatabaseConfig> {
  const parsed = z.object({ SHARDS: shardList }).safeParse(env, inEnglish);
  if (!parsed.success) throw new ConfigError(problemsOf(parsed.error));
  return shardsOf(parsed.data.SHARDS);
}

const shardsOf = (items: string[]): Record<string, DatabaseConfig> =>
  Object.fromEntries(items.map((item) => [item.slice(0, item.indexOf('=')), { url: item.slice(item.indexOf('=') + 1) }]));

const nodeSchema = z.object({
  ...appFields,
  ...databaseFields,
  SHARDS: shardList,
  TRUST_PROXY: flag,
  NO_SCHEDULER: flag,
  PORT: preprocess((value) => (value === '' ? undefined : value), z._default(z.coerce.number({ error: 'must be a port number' }).check(z.int(), z.gte(1), z.lte(65535)), 8788)),
  HOST: preprocess((value) => (value === '' ? undefined : value), z._default(z.string().check(z.trim(), z.minLength(1)), '127.0.0.1')),
  AUDIT_ARCHIVE_DIR: preprocess((value) => (value === '' ? undefined : value), z._default(z.string().check(z.trim(), z.minLength(1)), DEFAULT_AUDIT_ARCHIVE_DIR)),
  PHOTO_DIR: preprocess((value) => (value === '' ? undefined : value), z._default(z.string().check(z.trim(), z.minLength(1)), DEFAULT_PHOTO_DIR)),
});

/** The self-hosted server's settings from process.env (or a given environment); throws ConfigError. */
export function parseNodeConfig(env: Record<string, unknown>): NodeConfig {
  const data = parseAll(nodeSchema, env);
  return {
    ...toAppConfig(data),
    database: { url: data.DATABASE_URL, ...(data.DATABASE_AUTH_TOKEN ? { authToken: data.DATABASE_AUTH_TOKEN } : {}) },
    shards: shardsOf(data.SHARDS),
    trustProxy: data.TRUST_PROXY === true,
    scheduler: data.NO_SCHEDULER !== true,
    port: data.PORT,
    host: data.HOST,
    auditArchiveDir: data.AUDIT_ARCHIVE_DIR,
    photoDir: data.PHOTO_DIR,
  };
}

/** The keys a presented token, link or PIN is checked against: the current one, then the previous one of a rotation. */
export const verifyingKeys = (secrets: Secrets): string[] => (secrets.previous ? [secrets.current, secrets.previous] : [secrets.current]);

/** Whether `check` passes under any verifying key (the current one first). */
export async function underAnyKey(secrets: Secrets, check: (secret: string) => Promise<boolean>): Promise<boolean> {
  for (const secret of verifyingKeys(secrets)) if (await check(secret)) return true;
  return false;
}
