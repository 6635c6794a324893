/**
 * Java `Double.toString` / `Float.toString` for FLOAT and DOUBLE value strings (formats.md §2.4:
 * canal writes `String.valueOf(Float|Double)`).
 *
 * Follows the JDK 19+ specification (JDK-4511638, Giulietti's algorithm), which is exact:
 * 1. R = every decimal that rounds to x (as `Double.parseDouble` / `Float.parseFloat` rounds).
 *    Take the shortest length m found in R; when m = 1, decimals of length 2 compete too
 *    (so Double.MIN_VALUE is `4.9E-324`, not `5.0E-324`). Among them pick the one closest to x.
 * 2. Plain notation when 10^-3 <= d < 10^7 (`100.0`, `0.001`), otherwise computerized scientific
 *    notation (`1.0E7`, `1.0E-4`), always with at least one fractional digit.
 * JDK <= 18 (FloatingDecimal) sometimes printed one digit more, e.g. 2e23 as
 * `1.9999999999999998E23` where JDK 19+ prints `2.0E23`; we follow the exact specification.
 */

/** `Double.toString(x)`. */
export function javaDoubleToString(x: number): string {
  const a = Math.abs(x);
  // Fast path in Java's plain range [10^-3, 10^7), where ECMAScript's `String` is plain too and
  // its digits are Java's: both take the shortest decimals that round to x, the closest of them,
  // the even one on a tie. Java's m = 1 rule cannot differ here: a double's rounding interval is
  // far narrower than a step of the 2-digit grid. Integers (exact) only lack Java's `.0`.
  if (a >= 1e-3 && a < 1e7) return Number.isInteger(x) ? `${x}.0` : String(x);
  const special = specialToString(x);
  if (special !== undefined) return special;
  // V8's shortest round-trip digits (ECMAScript picks the closest when several are shortest).
  let decimal = parseExponential(a.toExponential());
  if (decimal.digits.length === 1) decimal = closestOfLength(a, 2, roundsToDouble, false) ?? decimal;
  return (x < 0 ? '-' : '') + formatJava(decimal.digits, decimal.exponent);
}

const float32 = new Float32Array(1);
const float32Bits = new Uint32Array(float32.buffer);

/** `Float.toString(Math.fround(x))`: x is taken as the 32-bit float it rounds to. */
export function javaFloatToString(x: number): string {
  const f = Math.fround(x);
  // An integer in [1, 10^7) is exact and below 2^24, where floats are at most 1 apart: no decimal
  // with fewer digits rounds to it, so its own digits are the answer (Java's plain range).
  if (Number.isInteger(f) && f !== 0 && f < 1e7 && f > -1e7) return `${f}.0`;
  const special = specialToString(f);
  if (special !== undefined) return special;
  const decimal = shortestFloatDecimal(Math.abs(f)) ?? exactShortestFloatDecimal(Math.abs(f));
  return (f < 0 ? '-' : '') + formatJava(decimal.digits, decimal.exponent);
}

/** `1e<i>` for i in [-POW10_BIAS, POW10_BIAS], each the double nearest to it (parsed, not computed). */
const POW10_BIAS = 64;
const POW10 = Array.from({ length: 2 * POW10_BIAS + 1 }, (_, i) => Number(`1e${i - POW10_BIAS}`));
const pow10 = (i: number): number => POW10[i + POW10_BIAS]!;
/**
 * How far from a decision an inexact product must be, in units of the candidate integers (at
 * most 10^9, so a relative error of a few 2^-53 stays under 10^-6 of a unit).
 */
const MARGIN = 1e-5;

/**
 * The answer of the exact search below, found with a few double operations: the float's rounding
 * interval [lo, hi] (its midpoints with its neighbours, exact in a double; ends included when the
 * float's significand is even, as parseFloat breaks ties to even) is scaled to the grid of k-digit
 * decimals, and the first k (from 2, where the 1-digit decimals lie on the grid too) whose scaled
 * interval holds an integer gives the decimal: the integer nearest the float, the even one of two
 * equally near. The scaling is exact where the float and the power of ten fit a double together
 * (scale 10^-11 to 10^22, remainders by `%`, which is exact); elsewhere products are rounded, and
 * the float is left to the exact search (undefined) when one lies too near a decision.
 */
export function shortestFloatDecimal(a: number): SciDecimal | undefined {
  float32[0] = a;
  const bits = float32Bits[0]!;
  const biased = bits >>> 23;
  const fraction = bits & 0x7fffff;
  const ulp = 2 ** ((biased === 0 ? 1 : biased) - 150);
  const lo = a - (fraction === 0 && biased > 1 ? ulp / 4 : ulp / 2);
  const hi = a + ulp / 2;
  const inclusive = (fraction & 1) === 0;
  let p = Math.floor(Math.log10(a));
  if (a < pow10(p)) p--;
  else if (a >= pow10(p + 1)) p++;
  // Across a power of ten the grid below it is finer: the exact search handles that.
  if (lo <= pow10(p) * (1 + 1e-12) || hi >= pow10(p + 1) * (1 - 1e-12)) return undefined;
  for (let k = 2; k <= 9; k++) {
    const scale = p - (k - 1);
    const n =
      scale >= 0 && scale <= 22 ? onCoarseGrid(a, lo, hi, inclusive, pow10(scale)) : scale < 0 && scale >= -11 ? onFineGrid(a, lo, hi, inclusive, pow10(-scale)) : nearGrid(a, lo, hi, pow10(-scale));
    if (n === undefined) return undefined;
    if (n >= 0) return toSci(n, scale);
  }
  return undefined;
}

/** What a grid step answers: the integer chosen, NONE when the interval holds none, undefined when unsure. */
const NONE = -1;

/**
 * The integer of [first, last] nearest the scaled float, which lies above `below` by a fraction
 * whose sign of 2·fraction − 1 is `half` (below, at or above one half; at it, the even one wins).
 */
function pick(first: number, last: number, below: number, half: number): number {
  if (first > last) return NONE;
  const n = half < 0 ? below : half > 0 ? below + 1 : below % 2 === 0 ? below : below + 1;
  return Math.min(last, Math.max(first, n));
}

/** Decimals n × step with step = 10^scale >= 1, exactly: `%` is exact, and each quotient is an integer below 10^10. */
function onCoarseGrid(a: number, lo: number, hi: number, inclusive: boolean, step: number): number {
  const rLo = lo % step;
  const qLo = Math.round((lo - rLo) / step);
  const rHi = hi % step;
  const qHi = Math.round((hi - rHi) / step);
  const rA = a % step;
  const first = rLo === 0 && inclusive ? qLo : qLo + 1;
  const last = rHi === 0 && !inclusive ? qHi - 1 : qHi;
  return pick(first, last, Math.round((a - rA) / step), 2 * rA - step);
}

/** Decimals n / up with up = 10^j, j <= 11: the products fit 53 bits (26 for the interval, 26 for 5^11), so they are exact. */
function onFineGrid(a: number, lo: number, hi: number, inclusive: boolean, up: number): number {
  const nLo = lo * up;
  const nHi = hi * up;
  const nA = a * up;
  let first = Math.ceil(nLo);
  let last = Math.floor(nHi);
  if (!inclusive) {
    if (first === nLo) first++;
    if (last === nHi) last--;
  }
  const below = Math.floor(nA);
  return pick(first, last, below, 2 * (nA - below) - 1);
}

/** Any other scale, with rounded products: undefined when one lies within MARGIN of a decision. */
function nearGrid(a: number, lo: number, hi: number, up: number): number | undefined {
  const nLo = lo * up;
  const nHi = hi * up;
  const nA = a * up;
  const first = Math.ceil(nLo);
  const last = Math.floor(nHi);
  const below = Math.floor(nA);
  if (first - nLo < MARGIN || nLo - (first - 1) < MARGIN || nHi - last < MARGIN || last + 1 - nHi < MARGIN || Math.abs(nA - below - 0.5) < MARGIN) return undefined;
  return pick(first, last, below, 2 * (nA - below) - 1);
}

/** The shortest decimal that rounds to the positive float `a`, the closest of them (JDK 19+), searched exactly. */
export function exactShortestFloatDecimal(a: number): SciDecimal {
  float32[0] = a;
  // The rounding interval is lopsided only at powers of two (the gap below is half the gap above).
  const symmetric = (float32Bits[0]! & 0x7fffff) !== 0;
  // The length that fits is monotonic in k (a k-digit grid lies inside the (k+1)-digit one), so
  // search 2..9 by halves; 9 digits always round-trip a float.
  let low = 2;
  let high = 9;
  let found: SciDecimal | undefined;
  while (low < high) {
    const mid = (low + high) >> 1;
    const decimal = closestOfLength(a, mid, roundsToFloat, symmetric);
    if (decimal === undefined) {
      low = mid + 1;
    } else {
      high = mid;
      found = decimal;
    }
  }
  // `found` is the answer at `low` unless the search never succeeded below 9 (low === 9, unprobed).
  return (low === 9 ? closestOfLength(a, 9, roundsToFloat, symmetric) : found) ?? parseExponential(a.toExponential(8));
}

/** A decimal d1.d2d3… × 10^exponent; `digits` has no trailing zeros (except a lone '0'). */
export interface SciDecimal {
  readonly digits: string;
  readonly exponent: number;
}

function specialToString(x: number): string | undefined {
  if (x !== x) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  return undefined;
}

/** Parses `1.2345e+6` (as `toExponential` writes it) into digits and exponent. */
function parseExponential(text: string): SciDecimal {
  const e = text.indexOf('e');
  const digits = e === 1 ? text[0]! : text[0]! + text.slice(2, e);
  return { digits: stripTrailingZeros(digits), exponent: Number(text.slice(e + 1)) };
}

function stripTrailingZeros(digits: string): string {
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
  return end === digits.length ? digits : digits.slice(0, end);
}

/** Whether unscaled × 10^scale (parsed to the double `value`) rounds to `target`. */
type RoundsTo = (value: number, unscaled: number, scale: number, target: number) => boolean;

/**
 * The k-digit decimal closest to the positive finite `a` among those that round back to it, or
 * undefined when none does. The candidates are the two k-digit neighbours of `a`: if any k-digit
 * decimal rounds to `a`, one of them does, since the rounding interval contains `a`; when the
 * interval is symmetric the farther one cannot succeed where the nearer failed. When both are
 * equally close (a float such as 1115755.25 at 8 digits) the even one wins, as in Java.
 */
function closestOfLength(a: number, k: number, roundsTo: RoundsTo, symmetric: boolean): SciDecimal | undefined {
  const text = a.toExponential(k - 1);
  const e = text.indexOf('e');
  // As an integer `unscaled` × 10^scale, with exactly k digits.
  const scale = Number(text.slice(e + 1)) - (k - 1);
  const unscaled = Number(k === 1 ? text.slice(0, e) : text[0]! + text.slice(2, e));
  const value = Number(text);
  if (roundsTo(value, unscaled, scale, a)) {
    // toExponential breaks a tie upwards; Java takes the even neighbour.
    if (unscaled % 2 === 1 && isHalfwayBelow(unscaled, scale, a) && tryRound(unscaled - 1, scale, a, roundsTo)) {
      return toSci(unscaled - 1, scale);
    }
    return toSci(unscaled, scale);
  }
  if (symmetric) return undefined;
  if (value < a) {
    if (tryRound(unscaled + 1, scale, a, roundsTo)) return toSci(unscaled + 1, scale);
  } else if (unscaled === 10 ** (k - 1)) {
    // Just below a power of ten the k-digit grid is ten times finer: 10…0 → 99…9 one scale down.
    if (tryRound(10 ** k - 1, scale - 1, a, roundsTo)) return toSci(10 ** k - 1, scale - 1);
  } else if (tryRound(unscaled - 1, scale, a, roundsTo)) {
    return toSci(unscaled - 1, scale);
  }
  return undefined;
}

function tryRound(unscaled: number, scale: number, target: number, roundsTo: RoundsTo): boolean {
  return roundsTo(Number(`${unscaled}e${scale}`), unscaled, scale, target);
}

/** Whether `a` lies exactly halfway between (unscaled − 1) × 10^scale and unscaled × 10^scale. */
function isHalfwayBelow(unscaled: number, scale: number, a: number): boolean {
  const twice = 2 * unscaled - 1;
  return Number(`${twice}e${scale}`) === 2 * a && compareDecimalToDouble(twice, scale, 2 * a) === 0;
}

function toSci(unscaled: number, scale: number): SciDecimal {
  const text = String(unscaled);
  return { digits: stripTrailingZeros(text), exponent: scale + text.length - 1 };
}

function roundsToDouble(value: number, _unscaled: number, _scale: number, target: number): boolean {
  return value === target;
}

/**
 * Whether the decimal rounds to the float `target` as `Float.parseFloat` would. Going through a
 * double rounds twice; that differs from one rounding only when the double lands exactly halfway
 * between two floats while the decimal does not, which is then settled exactly.
 */
function roundsToFloat(d: number, unscaled: number, scale: number, target: number): boolean {
  const r = Math.fround(d);
  if (r === d || !Number.isFinite(r)) return r === target;
  const other = 2 * d - r;
  const isMidpoint = Math.fround(other) === other && (r + other) / 2 === d;
  if (!isMidpoint) return r === target;
  const side = compareDecimalToDouble(unscaled, scale, d);
  if (side === 0) return r === target;
  return (side > 0 ? Math.max(r, other) : Math.min(r, other)) === target;
}

/** Sign of (unscaled × 10^scale − d), exactly; `unscaled` >= 0 and `d` > 0 finite. */
function compareDecimalToDouble(unscaled: number, scale: number, d: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const power2 = (biased === 0 ? 1 : biased) - 1075;
  let left = BigInt(unscaled);
  let right = mantissa;
  if (scale >= 0) left *= 10n ** BigInt(scale);
  else right *= 10n ** BigInt(-scale);
  if (power2 >= 0) right <<= BigInt(power2);
  else left <<= BigInt(-power2);
  return left === right ? 0 : left > right ? 1 : -1;
}

/** Java's layout of a positive decimal d1.d2… × 10^exponent. */
function formatJava(digits: string, exponent: number): string {
  if (exponent >= 7 || exponent < -3) {
    return `${digits[0]}.${digits.length > 1 ? digits.slice(1) : '0'}E${exponent}`;
  }
  if (exponent < 0) return `0.${'0'.repeat(-exponent - 1)}${digits}`;
  const integerDigits = exponent + 1;
  if (digits.length <= integerDigits) return `${digits.padEnd(integerDigits, '0')}.0`;
  return `${digits.slice(0, integerDigits)}.${digits.slice(integerDigits)}`;
}
