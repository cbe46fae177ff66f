import { eq } from 'drizzle-orm';
import { Hono } from '../../platform/hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../../app-env';
import { audit, audited } from '../../audit/record';
import { actorId } from '../../auth/actor';
import { allow, TOWNSHIP_READERS } from '../../auth/guard';
import { orgMeetingPhotos, orgMeetings } from '../../db/schema';
import { AppError, badRequest, notFound } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { sniffImage, stripImageMetadata } from '../../platform/image';
import { photoKey } from '../../platform/photo-store';
import { sha256Hex } from '../../platform/crypto';
import { idParam, input } from '../../platform/validate';
import { assertVillageVisible } from '../rosters';

/** A photo of a meeting may be at most this large (the page re-encodes a phone's photo to a JPEG well under it). */
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
const MAX_PHOTOS_PER_MEETING = 20;

const upload = z.object({ file: z.instanceof(File) });

/** Meeting photos: accepted by their bytes (JPEG, PNG, WebP), size-capped, their metadata (EXIF location) stripped before they are kept. */
export const photoRoutes = new Hono<AppEnv>()
  .post('/meetings/:id/photos', allow('township_admin', 'village_secretary'), input('param', idParam), input('form', upload), async (c) => {
    const scope = c.var.scope!;
    const meeting = await scope.find(orgMeetings, c.req.valid('param').id);
    if (!meeting) throw notFound('orglife.meeting_not_found');
    assertVillageVisible(c.var.actor, meeting.villageId);
    const store = c.var.photoStore;
    if (!store) throw new AppError(503, 'orglife.photo_store_missing');
    const file = c.req.valid('form').file;
    if (file.size > MAX_PHOTO_BYTES) throw new AppError(413, 'orglife.photo_too_large', { limit: '5 MB' });
    if (file.size === 0) throw badRequest('orglife.photo_missing');
    const raw = new Uint8Array(await file.arrayBuffer());
    // what the bytes are, whatever the file's name or declared type says
    const type = sniffImage(raw);
    const clean = type && stripImageMetadata(raw, type);
    if (!type || !clean) throw new AppError(415, 'orglife.photo_type');
    const existing = await scope.db.select({ id: orgMeetingPhotos.id }).from(orgMeetingPhotos).where(scope.where(orgMeetingPhotos, eq(orgMeetingPhotos.meetingId, meeting.id)));
    if (existing.length >= MAX_PHOTOS_PER_MEETING) throw badRequest('orglife.photo_too_many', { max: MAX_PHOTOS_PER_MEETING });
    const id = newId();
    const row = { id, meetingId: meeting.id, storeKey: photoKey(scope.tenantId, meeting.id, id), contentType: type, bytes: clean.length, sha256: await sha256Hex(clean), createdBy: actorId(c.var.actor) };
    // the object first: a row never points at nothing (an object without its row, after a failed insert, is only space)
    await store.put(row.storeKey, clean, type);
    await scope.db.batch([scope.insert(orgMeetingPhotos, [row]), audit(c, { action: 'meeting.photo_add', entity: 'org_meeting', entityId: meeting.id, after: { photoId: id, contentType: type, bytes: clean.length, sha256: row.sha256 } })]);
    return c.json({ id, contentType: type, bytes: clean.length }, 201);
  })
  .get('/photos/:id', allow(...TOWNSHIP_READERS), input('param', idParam), async (c) => {
    const scope = c.var.scope!;
    const photo = await scope.find(orgMeetingPhotos, c.req.valid('param').id);
    if (!photo) throw notFound('orglife.photo_not_found');
    const meeting = (await scope.find(orgMeetings, photo.meetingId))!;
    assertVillageVisible(c.var.actor, meeting.villageId);
    const bytes = await c.var.photoStore?.get(photo.storeKey);
    if (!bytes) throw notFound('orglife.photo_not_found');
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': photo.contentType, 'Cache-Control': 'private, max-age=86400', 'X-Content-Type-Options': 'nosniff' });
  })
  .delete('/photos/:id', allow('township_admin', 'village_secretary'), input('param', idParam), async (c) => {
    const scope = c.var.scope!;
    const photo = await scope.find(orgMeetingPhotos, c.req.valid('param').id);
    if (!photo) throw notFound('orglife.photo_not_found');
    const meeting = (await scope.find(orgMeetings, photo.meetingId))!;
    assertVillageVisible(c.var.actor, meeting.villageId);
    await audited(c, scope.delete(orgMeetingPhotos, photo.id), { action: 'meeting.photo_delete', entity: 'org_meeting', entityId: meeting.id, before: { photoId: photo.id, sha256: photo.sha256 } });
    await c.var.photoStore?.delete([photo.storeKey]);
    return c.body(null, 204);
  });
