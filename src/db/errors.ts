/** Whether a failed write was refused by a UNIQUE index (D1 and libSQL word it alike, one in the cause). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { message?: unknown; cause?: unknown } | undefined;
  return /UNIQUE/i.test(`${e?.message ?? ''} ${String((e?.cause as { message?: unknown })?.message ?? e?.cause ?? '')}`);
}

/** Whether a write was refused by a FOREIGN KEY (say, deleting a row that official records still name). */
export function isForeignKeyViolation(error: unknown): boolean {
  const e = error as { message?: unknown; cause?: unknown } | undefined;
  return /FOREIGN KEY constraint/i.test(`${e?.message ?? ''} ${String((e?.cause as { message?: unknown })?.message ?? e?.cause ?? '')}`);
}

/**
 * Whether a batch was refused by its own guard (`failIfUnchanged`, db/batch.ts): a guarded UPDATE matched nothing
 * because another request wrote first, and the batch, rolled back whole, wrote nothing. Only a guard inserts a NULL id.
 */
export function isGuardRefusal(error: unknown): boolean {
  const e = error as { message?: unknown; cause?: unknown } | undefined;
  return /NOT NULL constraint failed: \w+\.id\b/.test(`${e?.message ?? ''} ${String((e?.cause as { message?: unknown })?.message ?? e?.cause ?? '')}`);
}
