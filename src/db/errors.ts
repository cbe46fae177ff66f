/** Whether a failed write was refused by a UNIQUE index (D1 and libSQL word it alike, one in the cause). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { message?: unknown; cause?: unknown } | undefined;
  return /UNIQUE/i.test(`${e?.message ?? ''} ${String((e?.cause as { message?: unknown })?.message ?? e?.cause ?? '')}`);
}
