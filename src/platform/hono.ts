/**
 * The app's Hono: Hono's PatternRouter (`hono/tiny`) instead of the default SmartRouter (a RegExpRouter with a
 * TrieRouter to fall back on; our routes need the fallback). It keeps the Worker within its 150 KB target
 * (bench/RESULTS.md: 2.2 KB less gzipped) for ~21 µs more per request: it tries the app's ~1,400 route and
 * middleware entries in turn (22.6 µs a match against 1.6 µs, measured in Node), and builds as fast when an
 * isolate starts (8 ms against 6 ms). It matches a path with a trailing slash as the path without one, where
 * SmartRouter answered 404: the app answers such paths 404 itself (app.ts), so no code reading the path sees one.
 * Every server module takes Hono from here (test/rules/dependency-rule.test.ts).
 */
export { Hono } from 'hono/tiny';
