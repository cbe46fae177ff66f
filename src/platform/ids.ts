const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

/** 20-char id: 10 chars of milliseconds (sorts by creation) + 10 random chars (50 bits). */
export function newId(now = Date.now()): string {
  let time = '';
  for (let n = now, i = 0; i < 10; i++, n = Math.floor(n / 32)) time = ALPHABET[n % 32] + time;
  return time + randomString(10);
}

/** Random string from the base32 alphabet, for codes people may have to type. */
export function randomString(length: number, alphabet = ALPHABET): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}
