import { HonoBase, type HonoOptions } from 'hono/hono-base';
import { TrieRouter } from 'hono/router/trie-router';
import type { BlankEnv, BlankSchema, Env, Schema } from 'hono/types';

/**
 * The app's Hono, on Hono's TrieRouter alone: not its default SmartRouter (a RegExpRouter that falls back on a
 * TrieRouter for routes like ours, both in the bundle), nor PatternRouter (`hono/tiny`), which tried the app's
 * ~1,400 route and middleware entries one regular expression at a time. Measured on the app's entries in Node:
 * 3.6 µs a match (SmartRouter 5.0, PatternRouter 52.9); in workerd, 1,300 requests took 1.0 s less CPU than on
 * PatternRouter (~0.75 ms a request), for 0.6 KB more of the Worker gzipped (bench/RESULTS.md). It is strict: a
 * route of /x does not answer /x/ (app.ts gives the short addresses' folders their own routes).
 * Every server module takes Hono from here (test/rules/dependency-rule.test.ts).
 */
export class Hono<E extends Env = BlankEnv, S extends Schema = BlankSchema, BasePath extends string = '/'> extends HonoBase<E, S, BasePath> {
  constructor(options: HonoOptions<E> = {}) {
    super(options);
    this.router = new TrieRouter();
  }
}
