/**
 * Exact non-negative rationals over BigInt, for figures that may be rounded only once, at the very end
 * (a composite of 89.995 must become 90.00, which no fixed number of decimals guarantees on the way).
 */
export interface Ratio {
  readonly n: bigint;
  readonly d: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => {
  while (b) [a, b] = [b, a % b];
  return a;
};

/** n ÷ d in lowest terms; d must be positive. */
export function ratio(n: bigint | number, d: bigint | number = 1n): Ratio {
  const num = BigInt(n);
  const den = BigInt(d);
  if (den <= 0n) throw new RangeError('ratio: the denominator must be positive');
  const k = gcd(num < 0n ? -num : num, den) || 1n;
  return { n: num / k, d: den / k };
}

export const ZERO: Ratio = { n: 0n, d: 1n };

export const add = (a: Ratio, b: Ratio): Ratio => ratio(a.n * b.d + b.n * a.d, a.d * b.d);

/** a × m ÷ k */
export const scale = (a: Ratio, m: bigint | number, k: bigint | number = 1n): Ratio => ratio(a.n * BigInt(m), a.d * BigInt(k));

/** a in units of 1/unit, rounded half-up to an integer (roundHalfUp(89.995, 100) = 9000); a ≥ 0. */
export function roundHalfUp(a: Ratio, unit: number): number {
  const n = a.n * BigInt(unit);
  return Number((2n * n + a.d) / (2n * a.d));
}
