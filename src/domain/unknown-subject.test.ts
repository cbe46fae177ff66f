import { describe, expect, it } from 'vitest';
import { mayBeUnknown } from './unknown-subject';
import type { RaterGroup, SubjectKind } from './vocabulary';

describe('who may say 不了解 of whom', () => {
  it.each<[SubjectKind, RaterGroup, boolean]>([
    ['member', 'villager', true],
    ['member', 'peer', true],
    ['member', 'self', false],
    ['member', 'leader', false],
    ['branch', 'villager', false],
    ['branch', 'peer', false],
    ['branch', 'self', false],
    ['branch', 'leader', false],
  ])('%s by %s → %s', (kind, group, allowed) => {
    expect(mayBeUnknown(kind, group)).toBe(allowed);
  });
});
