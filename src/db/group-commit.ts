import { LibsqlBatchError, type Client, type InStatement, type ResultSet, type TransactionMode } from '@libsql/client';

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
 * back whole, the batch at fault is run again alone (so it fails with its own error) and the batches before and
 * after it are committed again as groups, so a failure (a retried ballot, a second vote) costs the others one more
 * commit, not one each. When the failing statement is not known (an error at COMMIT), every batch runs alone.
 */
export function withGroupCommit(client: Client): Client {
  let waiting: Waiting[] = [];
  const runAlone = (w: Waiting) => client.batch(w.statements).then(w.resolve, w.reject);

  /** The batch of the group whose statement failed, when the error says which. */
  function atFault(group: Waiting[], error: unknown): number | undefined {
    if (!(error instanceof LibsqlBatchError) || error.code === 'TRANSACTION_CLOSED') return undefined;
    let end = 0;
    for (const [k, w] of group.entries()) {
      end += w.statements.length;
      if (error.statementIndex < end) return k;
    }
    return undefined;
  }

  async function commit(group: Waiting[]): Promise<void> {
    if (!group.length) return;
    if (group.length === 1) return runAlone(group[0]);
    let results: ResultSet[];
    try {
      results = await client.batch(group.flatMap((w) => w.statements));
    } catch (error) {
      const k = atFault(group, error);
      if (k === undefined) {
        for (const w of group) await runAlone(w);
        return;
      }
      await commit(group.slice(0, k));
      await runAlone(group[k]);
      await commit(group.slice(k + 1));
      return;
    }
    let at = 0;
    for (const w of group) {
      w.resolve(results.slice(at, at + w.statements.length));
      at += w.statements.length;
    }
  }

  function commitGroup() {
    const group = waiting;
    waiting = [];
    return commit(group);
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
