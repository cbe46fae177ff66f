/** Half of a UTF-16 pair (a text cut at a character count can end in one; a spreadsheet's `_xD800_` decodes to one). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * JSON for SQL to unpack and store (`json_each`, `json_extract`), with every lone surrogate of its text as U+FFFD,
 * as the drivers' own binding of a string stores it. JSON carries a lone surrogate as an escape that json_extract
 * turns into bytes that are not UTF-8, and libSQL aborts the whole process reading such a row back.
 */
export const sqlJson = (value: unknown): string =>
  JSON.stringify(value, (_key, each: unknown) => (typeof each === 'string' ? each.replace(LONE_SURROGATE, '\uFFFD') : each));
