/**
 * The Node built-ins the Worker uses: workerd provides them natively under `nodejs_compat` (wrangler.toml),
 * so no zlib or SHA-256 code travels in the bundle. Declared here rather than through @types/node so that
 * Worker code sees no other Node API, and the pages' project (which reads the server's route types) none
 * at all. The Node entry and the tests compile against @types/node itself.
 */
declare module 'node:zlib' {
  interface ZlibOptions {
    level?: number;
    /** the most bytes inflating may produce: beyond it, an error instead of the rest */
    maxOutputLength?: number;
  }
  export function deflateRawSync(data: Uint8Array, options?: ZlibOptions): Uint8Array;
  export function inflateRawSync(data: Uint8Array, options?: ZlibOptions): Uint8Array;
  export function gzipSync(data: Uint8Array, options?: ZlibOptions): Uint8Array;
  export function gunzipSync(data: Uint8Array, options?: ZlibOptions): Uint8Array;
}

declare module 'node:crypto' {
  interface Hash {
    update(data: Uint8Array | string): Hash;
    digest(encoding: 'hex'): string;
  }
  export function createHash(algorithm: 'sha256'): Hash;
}
