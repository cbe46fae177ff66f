const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

/** 20-char id: 10 chars of milliseconds (sorts by creation) + 10 random chars (50 bits). */
export function newId(now = Date.now()): string {
  let time = '';
  for (let n = now, i = 0; i < 10; i++, n = Math.floor(n / 32)) time = ALPHABET[n % 32] + time;
  return time + randomString(10);
}

// Random bytes are drawn from the CSPRNG 4 KB at a time: a ballot takes a dozen ids and a receipt, and one
// getRandomValues call per id cost more than the id. The buffer is filled on first use, inside a request
// (Workers refuse randomness at global scope), and every byte is handed out once.
const pool = new Uint8Array(4096);
let used = pool.length;

function randomBytes(length: number): Uint8Array {
  if (length > 1024) return crypto.getRandomValues(new Uint8Array(length));
  if (used + length > pool.length) {
    crypto.getRandomValues(pool);
    used = 0;
  }
  used += length;
  return pool.subarray(used - length, used);
}

/**
 * Random string from the base32 alphabet, for codes people may have to type. Every letter is equally likely: a
 * byte at or above the alphabet's largest multiple below 256 is drawn again (with 31 letters, `b % 31` alone made
 * the first nine letters 9/256 likely instead of 8/256); base32's 32 letters never redraw.
 */
export function randomString(length: number, alphabet = ALPHABET): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length)
    for (const b of randomBytes(length - out.length)) if (b < limit) out += alphabet[b % alphabet.length];
  return out;
}

/** 20 random characters and nothing else: for rows whose id must not tell when they were made (the ballot box). */
export const secretId = () => randomString(20);
