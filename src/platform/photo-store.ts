import type { ImageType } from './image';

/**
 * Where meeting photos live, outside the database: an R2 bucket on Workers (binding MEETING_PHOTOS), a
 * directory in Node mode (PHOTO_DIR; platform/photo-dir-store.ts). Keys are photos/<tenant>/<meeting>/<id>.
 */
export interface PhotoStore {
  put(key: string, body: Uint8Array, type: ImageType): Promise<void>;
  get(key: string): Promise<Uint8Array | null>;
  delete(keys: string[]): Promise<void>;
}

/** The R2 bucket as a PhotoStore (miniflare simulates it locally). */
export function r2PhotoStore(bucket: R2Bucket): PhotoStore {
  return {
    async put(key, body, type) {
      await bucket.put(key, body, { httpMetadata: { contentType: type } });
    },
    async get(key) {
      const object = await bucket.get(key);
      return object ? new Uint8Array(await object.arrayBuffer()) : null;
    },
    async delete(keys) {
      if (keys.length) await bucket.delete(keys);
    },
  };
}

/** Where a township's photos are: every key of its photos starts so. */
export const photoPrefix = (tenantId: string) => `photos/${tenantId}/`;
export const photoKey = (tenantId: string, meetingId: string, photoId: string) => `${photoPrefix(tenantId)}${meetingId}/${photoId}`;
