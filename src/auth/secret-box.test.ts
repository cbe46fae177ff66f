import { describe, expect, it } from 'vitest';
import { verifyingKeys } from '../platform/config';
import { seal, unseal } from './secret-box';

const plain = new TextEncoder().encode('a totp secret') as Uint8Array<ArrayBuffer>;

describe('secret box', () => {
  it('opens what it sealed, for the same row only', async () => {
    const sealed = await seal(['s1'], 'account-1', plain);
    expect(sealed).toMatch(/^v1\./);
    expect(await unseal(['s1'], 'account-1', sealed)).toEqual(plain);
    expect(await unseal(['s1'], 'account-2', sealed)).toBeUndefined();
    expect(await unseal(['other'], 'account-1', sealed)).toBeUndefined();
    expect(await unseal(['s1'], 'account-1', 'v1.garbage.garbage')).toBeUndefined();
  });

  it('opens with the previous secret after a rotation', async () => {
    const sealed = await seal(['old'], 'account-1', plain);
    expect(await unseal(['new', 'old'], 'account-1', sealed)).toEqual(plain);
    expect(verifyingKeys({ current: 'new', previous: 'old' })).toEqual(['new', 'old']);
  });
});
