import type { Client, InStatement, ResultSet, TransactionMode } from '@libsql/client';

interface Waiting {
  statements: InStatement[];
  resolve(results: ResultSet[]): void;
  reject(error: unknown): void;
}

/**
 * Group commit for the embedded libSQL file. Every commit syncs the WAL to disk, and the embedded driver runs a
 * batch to its COMMIT on the event loop's own thread, so with 50 phones submitting at once each ballot waited for
 * the others' syncs. Here the batches that arrive while the loop is busy are written as one transaction with one
 * sync; the busier the server, the larger the group. Each batch stays all or nothing: a group that fails is rolled
 * back whole and each of its batches is run again alone, so only the batch at fault fails, with its own error.
 */
export function withGroupCommit(client: Client): Client {
  let waiting: Waiting[] = [];
  const runAlone = (w: Waiting) => client.batch(w.statements).then(w.resolve, w.reject);

  async function commitGroup() {
    const group = waiting;
    waiting = [];
    if (group.length === 1) return runAlone(group[0]);
    let results: ResultSet[];
    try {
      results = await client.batch(group.flatMap((w) => w.statements));
    } catch {
      for (const w of group) await runAlone(w);
      return;
    }
    let at = 0;
    for (const w of group) {
      w.resolve(results.slice(at, at + w.statements.length));
      at += w.statements.length;
    }
  }

  function batch(statements: InStatement[], mode?: TransactionMode): Promise<ResultSet[]> {
    // only the default (deferred) batches are grouped: a read batch or an immediate one keeps its own transaction
    if (mode && mode !== 'deferred') return client.batch(statements, mode);
    return new Promise((resolve, reject) => {
      // setImmediate runs after the I/O callbacks of this turn: every batch of the turn joins the group
      if (!waiting.length) setImmediate(commitGroup);
      waiting.push({ statements, resolve, reject });
    });
  }

  // the client's methods use private fields, so they are called on the client itself, not on the proxy
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(client, {
    get(target, property) {
      if (property === 'batch') return batch;
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (!bound.has(property)) bound.set(property, value.bind(target));
      return bound.get(property);
    },
  });
}
