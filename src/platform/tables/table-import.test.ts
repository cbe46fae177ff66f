import { describe, expect, it } from 'vitest';
import { normalizeHeader } from './table-import';

describe('normalizeHeader', () => {
  it.each([
    [' 姓名* ', '姓名'],
    ['性别(男/女)', '性别'],
    ['支部委员(是/否)', '支部委员'],
    ['手 机 号', '手机号'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeHeader(raw)).toBe(expected);
  });
});
