/**
 * The session tally as a Merkle tree over its receipts, sorted by value (so the tree says nothing about
 * the order in which ballots arrived). The server builds it; the phone checks its own receipt's inclusion
 * proof against the published root with this same code (WebCrypto SHA-256 on Workers, Node and browsers).
 *
 *   leaf = SHA-256("xp-leaf|" + session id + "|" + receipt)
 *   node = SHA-256("xp-node|" + left + right)        (hex); an odd node at the end of a level moves up as is
 *   root of no receipts = SHA-256("xp-empty|" + session id)
 */

export interface ProofStep {
  /** the sibling's hash (hex) */
  hash: string;
  /** whether the sibling is on the left */
  left: boolean;
}

const hex = (bytes: ArrayBuffer) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
const sha256 = async (text: string) => hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));

const leafHash = (sessionId: string, receipt: string) => sha256(`xp-leaf|${sessionId}|${receipt}`);
const nodeHash = (left: string, right: string) => sha256(`xp-node|${left}${right}`);

/** Receipts in the tree's order: by value (code units), duplicates impossible (unique per session). */
export const sortReceipts = (receipts: readonly string[]) => [...receipts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** Every level of the tree, leaves first. */
async function levels(sessionId: string, receipts: readonly string[]): Promise<string[][]> {
  let level = await Promise.all(sortReceipts(receipts).map((r) => leafHash(sessionId, r)));
  const all = [level];
  while (level.length > 1) {
    const next: Promise<string>[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? nodeHash(level[i], level[i + 1]) : Promise.resolve(level[i]));
    level = await Promise.all(next);
    all.push(level);
  }
  return all;
}

/** The root over a session's receipts. */
export async function merkleRoot(sessionId: string, receipts: readonly string[]): Promise<string> {
  if (!receipts.length) return sha256(`xp-empty|${sessionId}`);
  const tree = await levels(sessionId, receipts);
  return tree[tree.length - 1][0];
}

/** The root and the inclusion proof of one receipt (null when the receipt is not in the tree). */
export async function inclusionProof(sessionId: string, receipts: readonly string[], receipt: string): Promise<{ root: string; proof: ProofStep[] | null }> {
  if (!receipts.length) return { root: await merkleRoot(sessionId, receipts), proof: null };
  const tree = await levels(sessionId, receipts);
  const root = tree[tree.length - 1][0];
  let index = sortReceipts(receipts).indexOf(receipt);
  if (index < 0) return { root, proof: null };
  const proof: ProofStep[] = [];
  for (const level of tree.slice(0, -1)) {
    const sibling = index % 2 ? index - 1 : index + 1;
    if (sibling < level.length) proof.push({ hash: level[sibling], left: sibling < index });
    index = Math.floor(index / 2);
  }
  return { root, proof };
}

/** Whether `proof` leads from this receipt's leaf to `root`. */
export async function verifyInclusion(sessionId: string, receipt: string, proof: readonly ProofStep[], root: string): Promise<boolean> {
  let hash = await leafHash(sessionId, receipt);
  for (const step of proof) hash = step.left ? await nodeHash(step.hash, hash) : await nodeHash(hash, step.hash);
  return hash === root;
}
