/**
 * Fallbacks for the runtime APIs the phone pages (and Preact) use that the oldest browsers they support
 * lack: iOS 12.0/12.1 Safari and Android WebViews before Chrome 73 run ES modules but have no
 * queueMicrotask (Preact schedules its renders with it), Object.fromEntries, Array.prototype.flat/flatMap
 * or Promise.prototype.finally. Imported first by each phone entry; a no-op on current browsers.
 * (AbortController, also missing there, is feature-tested where it is used: web/vote/outbox.ts.)
 * docs/phone-pages.md lists the baseline; test/browser/old-phones.test.ts runs the ballot without these APIs.
 */
const g = window as unknown as Record<string, unknown>;
if (typeof g.queueMicrotask !== 'function') g.queueMicrotask = (task: () => void) => void Promise.resolve().then(task);

const objects = Object as unknown as Record<string, unknown>;
if (!objects.fromEntries)
  objects.fromEntries = (entries: Iterable<readonly [PropertyKey, unknown]>) => {
    const result: Record<PropertyKey, unknown> = {};
    for (const [key, value] of entries) result[key] = value;
    return result;
  };

const arrays = Array.prototype as unknown as Record<string, unknown>;
if (!arrays.flat)
  arrays.flat = function flat(this: unknown[], depth = 1): unknown[] {
    return depth < 1 ? this.slice() : this.reduce<unknown[]>((all, item) => all.concat(Array.isArray(item) ? (item as unknown as { flat(d: number): unknown[] }).flat(depth - 1) : [item]), []);
  };
if (!arrays.flatMap)
  arrays.flatMap = function flatMap(this: unknown[], map: (item: unknown, index: number, array: unknown[]) => unknown) {
    return this.reduce<unknown[]>((all, item, index, array) => all.concat(map(item, index, array) as never), []);
  };

const promises = Promise.prototype as unknown as Record<string, unknown>;
if (!promises.finally)
  promises.finally = function (this: Promise<unknown>, done: () => void) {
    return this.then(
      (value) => Promise.resolve(done()).then(() => value),
      (error) => Promise.resolve(done()).then(() => Promise.reject(error)),
    );
  };

export {};
