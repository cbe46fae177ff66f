import type { Db } from './client';

/** The shard that is the registry's own database: every county not placed elsewhere (docs/scaling.md). */
export const MAIN_SHARD = 'main';

/** A shard's name as configured: SHARDS=<name>=<url>,… in Node, a SHARD_<NAME> D1 binding on Workers. */
export const SHARD_NAME = /^[a-z][a-z0-9_]{0,30}$/;

/** A placement names a shard this deployment was not given (a missing binding or SHARDS entry). */
export class UnknownShardError extends Error {
  constructor(readonly shard: string) {
    super(`no shard "${shard}" is configured (SHARDS in Node, a SHARD_${shard.toUpperCase()} binding on Workers)`);
    this.name = 'UnknownShardError';
  }
}

/**
 * The databases of a deployment: the registry (cities, counties, townships, accounts, sessions, the shard map)
 * and the shards holding the counties' tenant-owned rows. With nothing configured there is one database,
 * which is both the registry and shard `main`.
 */
export interface Databases {
  registry: Db;
  /** every configured shard's name, `main` first */
  readonly shardNames: readonly string[];
  shard(name: string): Db;
}

export function databasesOf(registry: Db, shards: Readonly<Record<string, Db>> = {}): Databases {
  const all: Record<string, Db> = { ...shards, [MAIN_SHARD]: registry };
  const shardNames = [MAIN_SHARD, ...Object.keys(shards).filter((name) => name !== MAIN_SHARD).sort()];
  return {
    registry,
    shardNames,
    shard(name) {
      const db = all[name];
      if (!db) throw new UnknownShardError(name);
      return db;
    },
  };
}
