import { parse } from 'acorn';
import { describe, expect, it } from 'vitest';
import { inlineScripts } from '../../src/platform/security-headers';
import { loadFailedScript, scriptLiteral } from '../../web/shared/load-failed';

describe('the load-failed notice every page carries', () => {
  it('parses as ES5: a browser that runs modules but not newer syntax (Chrome 61–65: no `catch {}`) still runs it', () => {
    expect(() => parse(loadFailedScript(), { ecmaVersion: 5 })).not.toThrow();
  });

  it('the check has teeth: newer syntax fails the same parser', () => {
    for (const newer of ['try {} catch {}', 'const a = 1', '() => 1', '`x`']) expect(() => parse(newer, { ecmaVersion: 5 }), newer).toThrow();
  });

  it('puts its texts in as literals that cannot end the script or break an old parser', () => {
    const literal = scriptLiteral({ text: '</script><!-- a\u2028b\u2029' });
    expect(literal).not.toMatch(/<|\u2028|\u2029/);
    expect(JSON.parse(literal)).toEqual({ text: '</script><!-- a\u2028b\u2029' });
    // in a page, the whole script is one inline script (what the CSP hashes)
    const page = `<head><script>${loadFailedScript()}</script></head>`;
    expect(inlineScripts(page)).toEqual([loadFailedScript()]);
  });
});
