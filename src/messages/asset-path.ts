/** Where the pages build writes a server catalogue under the assets' root (vite.config.ts), for the Worker to read. */
export const catalogueAsset = (locale: string) => `api/messages/${locale}.json`;

/** A catalogue as that file holds it: the pages build writes it so, the Worker's build hashes it so (scripts/worker-bundle.ts). */
export const catalogueFile = (messages: object) => JSON.stringify(messages);

/** The digest the Worker carries of each catalogue it was built with, to refuse files of another build. */
export async function catalogueDigest(file: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(file)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
