import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The dependency rule of src/ (docs/developers.md, "Feature modules"):
 * - a feature is used from outside only through its folder's index.ts;
 * - the shared plumbing (platform, db, auth, tenancy, audit) and the domain vocabulary know nothing of features;
 * - features never import the demo seed (the seed writes through the features, not the other way round);
 * - src/domain is runtime-free: it imports other domain files, and types only from anywhere else;
 * - zod is imported as zod/mini (the classic API weighs ~10 KB gzipped in the Worker's bundle);
 * - Hono comes from platform/hono.ts (its router: a TrieRouter, see there), types from 'hono'.
 */

interface Import {
  specifier: string;
  typeOnly: boolean;
}

const PLUMBING = new Set(['platform', 'db', 'auth', 'tenancy', 'domain', 'audit']);

/** Why `from` (a path under src/, e.g. "features/contact/routes.ts") may not import `imp`; null when it may. */
function importViolation(from: string, imp: Import): string | null {
  const [layer, feature] = from.split('/');
  const testFile = from.endsWith('.test.ts');
  if (!imp.specifier.startsWith('.')) {
    // a package: the domain may take its types only (a test of the domain may use vitest)
    if (layer === 'domain' && !imp.typeOnly && !testFile) return `domain imports the package ${imp.specifier}`;
    // zod's classic API brings its method-chaining layer and its JSON Schema code into the Worker's bundle
    if (imp.specifier === 'hono' && !imp.typeOnly) return "imports hono at runtime: the server's Hono is platform/hono.ts's";
    return imp.specifier === 'zod' && !imp.typeOnly ? 'imports zod: the server writes its schemas with zod/mini' : null;
  }
  const target = posix.normalize(posix.join(posix.dirname(from), imp.specifier)).replace(/\.(ts|tsx)$/, '');
  const [targetLayer, targetFeature, ...rest] = target.split('/');
  if (layer === 'domain' && targetLayer !== 'domain' && !imp.typeOnly) return `domain imports ${target} at runtime`;
  if (targetLayer === 'features') {
    if (PLUMBING.has(layer)) return `${layer} imports the feature ${target}`;
    const intoIndex = rest.length === 0 || (rest.length === 1 && rest[0] === 'index');
    if (!(layer === 'features' && feature === targetFeature) && !intoIndex) return `deep import into features/${targetFeature}: ${target}`;
  }
  if (layer === 'features' && targetLayer === 'seed') return `a feature imports the seed: ${target}`;
  return null;
}

const statement = /^\s*(import|export)\s+(type\s+)?[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm;
const sideEffect = /^\s*import\s*['"]([^'"]+)['"]/gm;
const dynamic = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The import and re-export statements of a file's text (static, side-effect and dynamic). */
function importsOf(text: string): Import[] {
  return [
    ...[...text.matchAll(statement)].map((m) => ({ specifier: m[3], typeOnly: Boolean(m[2]) })),
    ...[...text.matchAll(sideEffect)].map((m) => ({ specifier: m[1], typeOnly: false })),
    ...[...text.matchAll(dynamic)].map((m) => ({ specifier: m[1], typeOnly: false })),
  ];
}

const src = join(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : /\.tsx?$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );
}

describe('the dependency rule', () => {
  it.each([
    ['features/contact/routes.ts', '../rosters/village-access', 'deep import into features/rosters: features/rosters/village-access'],
    ['features/county/rules.ts', '../rosters/import/rules', 'deep import into features/rosters: features/rosters/import/rules'],
    ['seed/demo.ts', '../features/evaluation/setup/campaigns', 'deep import into features/evaluation: features/evaluation/setup/campaigns'],
    ['jobs/runner.ts', '../features/stars/rules', 'deep import into features/stars: features/stars/rules'],
    ['app.ts', './features/stars/routes.ts', 'deep import into features/stars: features/stars/routes'],
    ['platform/errors.ts', '../features/problems', 'platform imports the feature features/problems'],
    ['db/schema/stars.ts', '../../features/stars', 'db imports the feature features/stars'],
    ['auth/guard.ts', '../features/rosters/index', 'auth imports the feature features/rosters/index'],
    ['tenancy/tenant.ts', '../features/evaluation', 'tenancy imports the feature features/evaluation'],
    ['domain/thresholds.ts', '../features/stars', 'domain imports features/stars at runtime'],
    ['features/evaluation/routes.ts', '../../seed/random', 'a feature imports the seed: seed/random'],
    ['features/evaluation/voting/tally.ts', '../../../seed/demo', 'a feature imports the seed: seed/demo'],
    ['domain/money.ts', '../platform/ratio', 'domain imports platform/ratio at runtime'],
    ['domain/money.ts', 'zod', 'domain imports the package zod'],
    ['features/stars/routes.ts', 'zod', 'imports zod: the server writes its schemas with zod/mini'],
    ['features/stars/routes.ts', 'hono', "imports hono at runtime: the server's Hono is platform/hono.ts's"],
  ])('%s may not import %s', (from, specifier, why) => expect(importViolation(from, { specifier, typeOnly: false })).toBe(why));

  it.each([
    ['features/contact/routes.ts', '../rosters'],
    ['features/contact/routes.ts', '../rosters/index'],
    ['features/evaluation/voting/tally.ts', '../rules'],
    ['features/evaluation/voting/tally.ts', '../../../domain/merkle'],
    ['features/rosters/import/routes.ts', '../village-access'],
    ['seed/demo.ts', '../features/evaluation'],
    ['app.ts', './features/stars'],
    ['platform/crypto.ts', './config'],
    ['auth/sessions.ts', '../platform/crypto'],
    ['domain/thresholds.ts', './merkle'],
    ['features/stars/rules.ts', 'drizzle-orm'],
    ['features/stars/routes.ts', 'zod/mini'],
    ['features/stars/routes.ts', '../../platform/hono'],
    ['platform/hono.ts', 'hono/hono-base'],
    ['platform/hono.ts', 'hono/router/trie-router'],
    ['features/stars/routes.ts', 'hono/http-exception'],
  ])('%s may import %s', (from, specifier) => expect(importViolation(from, { specifier, typeOnly: false })).toBeNull());

  it('lets the domain take types, and types only, from elsewhere', () => {
    expect(importViolation('domain/money.ts', { specifier: '../platform/ratio', typeOnly: true })).toBeNull();
    expect(importViolation('domain/money.ts', { specifier: 'hono', typeOnly: true })).toBeNull();
    // a type-only import does not make a deep import or plumbing → feature acceptable
    expect(importViolation('platform/errors.ts', { specifier: '../features/problems', typeOnly: true })).not.toBeNull();
    expect(importViolation('features/contact/rules.ts', { specifier: '../stars/rules', typeOnly: true })).not.toBeNull();
  });

  it('reads every kind of import statement', () => {
    const text = [
      "import { a } from './a';",
      "import type { B } from './b';",
      'import {\n  c,\n  type D,\n} from "./c";',
      "import * as e from './e';",
      "export { f } from './f';",
      "export type { G } from './g';",
      "export * from './h';",
      "import './i';",
      "const j = await import('./j');",
      "const k = 'not from here';",
    ].join('\n');
    expect(importsOf(text)).toEqual([
      { specifier: './a', typeOnly: false },
      { specifier: './b', typeOnly: true },
      { specifier: './c', typeOnly: false },
      { specifier: './e', typeOnly: false },
      { specifier: './f', typeOnly: false },
      { specifier: './g', typeOnly: true },
      { specifier: './h', typeOnly: false },
      { specifier: './i', typeOnly: false },
      { specifier: './j', typeOnly: false },
    ]);
  });

  it('holds for every file under src/', () => {
    const files = sourceFiles(src);
    expect(files.length).toBeGreaterThan(100);
    const violations = files.flatMap((file) => {
      const from = relative(src, file).split('\\').join('/');
      return importsOf(readFileSync(file, 'utf8')).flatMap((imp) => {
        const why = importViolation(from, imp);
        return why ? [`${from}: ${why}`] : [];
      });
    });
    expect(violations).toEqual([]);
  });
});
