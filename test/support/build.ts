import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { inlineScripts } from '../../src/platform/security-headers';
import { testBuildAt } from './builds';

/** This run's build, made by the global setup: `TEST_BUILD.worker`, `.web`, `.node`. */
export const TEST_BUILD = testBuildAt(inject('testBuild'));

/**
 * The script-src the pages' CSP must name: our origin and the SHA-256 of each distinct inline script of the built
 * pages (the ballot's prefetch, the load-failed notice every page carries), as both servers compute it.
 */
export function builtScriptSources(): string {
  const hashes = new Set<string>();
  for (const page of readdirSync(TEST_BUILD.web).filter((name) => name.endsWith('.html')))
    for (const script of inlineScripts(readFileSync(join(TEST_BUILD.web, page), 'utf8'))) hashes.add(createHash('sha256').update(script).digest('base64'));
  return ["script-src 'self'", ...[...hashes].sort().map((hash) => `'sha256-${hash}'`)].join(' ');
}
