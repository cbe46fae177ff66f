/**
 * A small in-memory cache owned by one app instance: one Worker isolate (the tests' workerd holds one app per
 * test server), or one Node process serving one database. It holds rows that every phone of a session needs
 * (the tenant, the session and its questionnaire) for a few seconds, so that a burst of ballots does not re-read
 * them per request.
 *
 * What must hold for anything kept here:
 * - it may be up to `ttlMs` old in another isolate or replica; the instance that changes it calls
 *   `forget`, so its own next request reads the new value;
 * - a decision that must be exact (is the session still open?) is re-checked in SQL where it is written.
 * Concurrent misses of one key share one load (single flight); a failed or empty (undefined) load is not kept.
 */
/** How long a request waits on another request's load of the same key before loading it itself. */
const IN_FLIGHT_PATIENCE_MS = 1000;

export class Memo {
  private readonly entries = new Map<string, { expires: number; value: Promise<unknown>; settled: boolean }>();

  constructor(private readonly maxEntries = 2000) {}

  get<T>(key: string, ttlMs: number, load: () => Promise<T>, nowMs = Date.now()): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.expires > nowMs) {
      if (hit.settled) return hit.value as Promise<T>;
      // A load still in flight belongs to another request. On Workers a request cancelled mid-way takes its I/O
      // with it (a D1 session is the request's own): a promise it would have settled then never does, and every
      // request waiting on it alone would hang. So a waiter gives the shared load a while, then loads itself.
      return new Promise<T>((resolve, reject) => {
        const own = setTimeout(() => load().then(resolve, reject), IN_FLIGHT_PATIENCE_MS);
        (hit.value as Promise<T>).then(
          (value) => (clearTimeout(own), resolve(value)),
          (error) => (clearTimeout(own), reject(error)),
        );
      });
    }
    if (this.entries.size >= this.maxEntries) this.sweep(nowMs);
    const value = load();
    const entry = { expires: nowMs + ttlMs, value, settled: false };
    this.entries.set(key, entry);
    value.then(
      (v) => {
        entry.settled = true;
        if (v === undefined && this.entries.get(key) === entry) this.entries.delete(key);
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return value;
  }

  /** Drops every entry whose key starts with `prefix` (all of them without one). */
  forget(prefix = ''): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Expired entries go first; if the cache is still full, the oldest half (Map order is insertion order). */
  private sweep(nowMs: number) {
    for (const [key, entry] of this.entries) if (entry.expires <= nowMs) this.entries.delete(key);
    if (this.entries.size < this.maxEntries) return;
    let drop = Math.ceil(this.entries.size / 2);
    for (const key of this.entries.keys()) {
      if (drop-- <= 0) break;
      this.entries.delete(key);
    }
  }
}
