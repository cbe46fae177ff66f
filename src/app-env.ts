import type { Db } from './db/client';
import type { Databases } from './db/databases';
import type { TenantScope } from './db/tenant-scope';
import type { Actor, SessionInfo } from './auth/actor';
import type { AuditStore } from './audit/store';
import type { PhotoStore } from './platform/photo-store';
import type { AppConfig } from './platform/config';
import type { Locale } from './platform/i18n';
import type { Memo } from './platform/memo';
import type { Tenant } from './tenancy/tenant';

/**
 * The Worker's bindings: `Env` is generated from wrangler.toml (worker-configuration.d.ts, `npm run cf-typegen`);
 * the Node server has no assets or queue. Below, what wrangler.toml does not name. The Node entry parses
 * process.env into the same AppConfig (platform/config.ts).
 */
export interface Bindings extends Pick<Env, 'DB'>, Partial<Omit<Env, 'DB'>> {
  /** "1" only for plain-HTTP testing: drops the Secure flag from cookies */
  INSECURE_COOKIES?: string;
  /** HMAC key of QR tokens, ballot passes, voter hashes and member PINs; production sets it with `wrangler secret put APP_SECRET` */
  APP_SECRET?: string;
  /** the key before a rotation, still accepted when verifying (see docs/operations.md) */
  APP_SECRET_PREVIOUS?: string;
  /** "1": demo mode (the development secret is allowed); `npm start` and `npm run start:node` only */
  DEMO_MODE?: string;
  /** R2 bucket of the audit trail's daily anchors and monthly archives (docs/audit.md) */
  AUDIT_ARCHIVE?: R2Bucket;
  /** R2 bucket of the meeting photos (docs/organisation-life.md) */
  MEETING_PHOTOS?: R2Bucket;
}

export interface Variables {
  requestId: string;
  locale: Locale;
  /** the environment's settings, parsed (platform/config.ts) */
  config: AppConfig;
  /** the registry: cities, counties, townships, accounts, sessions, the shard map (docs/scaling.md) */
  registry: Db;
  /**
   * The database of this request's rows: its township's or county's shard once resolved (tenancy/), else the
   * registry. Features read and write through it (or `scope`) and never know which shard it is.
   */
  db: Db;
  databases: Databases;
  /** a GET or HEAD of a route group app.ts lets read from D1 read replicas (platform/replica-reads.ts) */
  replicaReads?: boolean;
  clientIp: string;
  /** this app instance's short-lived cache (tenants, vote sessions): see platform/memo.ts */
  memo: Memo;
  session?: SessionInfo;
  actor?: Actor;
  tenant?: Tenant;
  scope?: TenantScope;
  /** the store outside the database for the audit trail's anchors and archives, where this deployment has one */
  auditStore?: AuditStore;
  /** where meeting photos are kept, where this deployment has a store */
  photoStore?: PhotoStore;
  /** chains this request appended audit rows to, by database, sealed when it ends (audit/seal.ts) */
  auditChains?: Map<Db, Set<string>>;
}

export type AppEnv = { Bindings: Bindings; Variables: Variables };
