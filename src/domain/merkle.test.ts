import { describe, expect, it } from 'vitest';
import { inclusionProof, merkleRoot, sortReceipts, verifyInclusion } from './merkle';

const receipts = (n: number) => Array.from({ length: n }, (_, i) => `R${String((i * 7919) % 10007).padStart(6, '0')}`);

describe('the session tally as a Merkle tree over sorted receipts', () => {
  it.each([1, 2, 3, 4, 5, 8, 13, 100])('every receipt of %i proves its inclusion, and a forged one does not', async (n) => {
    const list = receipts(n);
    const root = await merkleRoot('s1', list);
    for (const r of list) {
      const { root: same, proof } = await inclusionProof('s1', list, r);
      expect(same).toBe(root);
      expect(await verifyInclusion('s1', r, proof!, root)).toBe(true);
      // the proof of one receipt does not prove another, nor the same receipt in another session
      expect(await verifyInclusion('s1', 'FORGED0000', proof!, root)).toBe(false);
      expect(await verifyInclusion('s2', r, proof!, root)).toBe(false);
    }
    expect((await inclusionProof('s1', list, 'NOTTHERE00')).proof).toBeNull();
  });

  it('does not depend on the order in which ballots arrived, and changes with any receipt added or removed', async () => {
    const list = receipts(9);
    const root = await merkleRoot('s1', list);
    expect(await merkleRoot('s1', [...list].reverse())).toBe(root);
    expect(await merkleRoot('s1', list.slice(1))).not.toBe(root);
    expect(await merkleRoot('s1', [...list, 'EXTRA00000'])).not.toBe(root);
    expect(sortReceipts(['B', 'A', 'C'])).toEqual(['A', 'B', 'C']);
  });

  it('gives an empty session a root of its own', async () => {
    expect(await merkleRoot('s1', [])).toMatch(/^[0-9a-f]{64}$/);
    expect(await merkleRoot('s1', [])).not.toBe(await merkleRoot('s2', []));
  });
});
