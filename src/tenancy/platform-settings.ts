import { eq } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import * as z from 'zod/mini';
import type { Db } from '../db/client';
import { platformSettings } from '../db/schema';

const PLATFORM_ROW = 'platform';

/** Settings of the whole platform, set by the platform admin; every key has a default (a fresh install reads them). */
const platformSettingsSchema = z.object({
  /** Platform and township admins must sign in with a second factor (TOTP); one without is made to enrol at login. */
  requireAdminTwoFactor: z._default(z.boolean(), false),
});
export type PlatformSettings = z.output<typeof platformSettingsSchema>;

/** The body of a settings change: unknown keys are refused, not dropped. */
export const platformSettingsBody = z.strictObject(platformSettingsSchema.shape);

export async function loadPlatformSettings(db: Db): Promise<PlatformSettings> {
  const [row] = await db.select({ settings: platformSettings.settings }).from(platformSettings).where(eq(platformSettings.id, PLATFORM_ROW));
  return platformSettingsSchema.parse(JSON.parse(row?.settings || '{}'));
}

export async function savePlatformSettings(db: Db, settings: PlatformSettings, auditRow: BatchItem<'sqlite'>): Promise<void> {
  const json = JSON.stringify(settings);
  await db.batch([
    db
      .insert(platformSettings)
      .values({ id: PLATFORM_ROW, settings: json })
      .onConflictDoUpdate({ target: platformSettings.id, set: { settings: json, updatedAt: new Date().toISOString() } }),
    auditRow,
  ]);
}
