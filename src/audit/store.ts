/**
 * Object storage outside the database, for the day's chain heads (anchors) and the monthly archives: an R2
 * bucket on Workers (binding AUDIT_ARCHIVE), a directory in Node mode (AUDIT_ARCHIVE_DIR; audit/dir-store.ts).
 * Whoever holds the database alone cannot rewrite what was anchored here.
 */
export interface AuditStore {
  /** writes the object unless one exists under the key (an anchor or archive is written once); true if written */
  putOnce(key: string, body: Uint8Array): Promise<boolean>;
  get(key: string): Promise<Uint8Array | null>;
  /** keys under the prefix, sorted */
  list(prefix: string): Promise<string[]>;
}

/** The R2 bucket as an AuditStore (miniflare simulates it locally). */
export function r2Store(bucket: R2Bucket): AuditStore {
  return {
    async putOnce(key, body) {
      // objects are named by chain and day or month, written by one cron at a time; production adds an R2
      // bucket lock (retention rule) on the prefixes, so not even the account can replace them (docs/audit.md)
      if (await bucket.head(key)) return false;
      await bucket.put(key, body);
      return true;
    },
    async get(key) {
      const object = await bucket.get(key);
      return object ? new Uint8Array(await object.arrayBuffer()) : null;
    },
    async list(prefix) {
      const keys: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await bucket.list({ prefix, cursor });
        keys.push(...page.objects.map((o) => o.key));
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor);
      return keys.sort();
    },
  };
}

/** Keys of the store's objects. */
export const anchorPrefix = (chain: string) => `anchors/${chain}/`;
export const anchorKey = (chain: string, day: string) => `${anchorPrefix(chain)}${day}.json`;
export const archiveKey = (chain: string, month: string) => `archives/${chain}/${month}.jsonl.gz`;

/** A day's anchor: the head of a chain as it stood when the day's cron ran. */
export interface Anchor {
  chain: string;
  day: string;
  seq: number;
  hash: string;
  at: string;
}
