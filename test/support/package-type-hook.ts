import { registerHooks } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Loaded into each test process (vitest.config.ts's execArgv). Node 22 decides whether a `.js` file is ESM from
 * its package's package.json, and reads that file's `exports` again for every module it loads: drizzle-orm's is
 * ~180 KB, parsed once for each of its few hundred modules (~0.35 s of CPU a process for drizzle, hono and zod).
 * Here an ESM import of a relative `.js` path inside node_modules, which needs no exports map, is resolved as Node
 * would (the URL beside its importer; the nearest package.json's "type") from one read of each package.json. A
 * package.json without "type", and everything else, goes to Node's own resolution.
 */
const typeOfDirectory = new Map<string, string | undefined>();

function packageType(directory: string): string | undefined {
  if (typeOfDirectory.has(directory)) return typeOfDirectory.get(directory);
  let type: string | undefined;
  try {
    type = (JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { type?: string }).type;
  } catch (error) {
    const parent = dirname(directory);
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && parent !== directory && !directory.endsWith('/node_modules')) type = packageType(parent);
  }
  typeOfDirectory.set(directory, type);
  return type;
}

registerHooks({
  resolve(specifier, context, nextResolve) {
    const parent = context.parentURL;
    const imported = context.conditions?.includes('import');
    if (imported && (specifier.startsWith('./') || specifier.startsWith('../')) && specifier.endsWith('.js') && parent?.startsWith('file:') && parent.includes('/node_modules/')) {
      const url = new URL(specifier, parent);
      const type = packageType(dirname(fileURLToPath(url)));
      if (type === 'module' || type === 'commonjs') return { url: url.href, format: type, shortCircuit: true };
    }
    return nextResolve(specifier, context);
  },
});
