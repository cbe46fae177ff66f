import { z } from 'zod';

/** Townships live in Asia/Shanghai (UTC+8, no daylight saving). */
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/** The Shanghai calendar date of an instant, as YYYY-MM-DD. */
export function shanghaiDate(at: Date = new Date()): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Whole days from one YYYY-MM-DD date to another (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** A calendar date as the ledgers store it. */
export const isoDate = z.iso.date();
/** A calendar month, YYYY-MM. */
export const isoMonth = z.string().regex(/^(19|20)\d\d-(0[1-9]|1[0-2])$/);
export const yearParam = z.coerce.number().int().min(2000).max(2100);
