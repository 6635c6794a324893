/**
 * Exact numbers (MySQL's integer and DECIMAL arithmetic) as a scaled BigInt: value = units / 10^scale.
 * BIGINT values past 2^53 and DECIMAL columns arrive as exact strings; comparing them as JS numbers
 * would make 9007199254740993 equal 9007199254740992.
 */

export interface Exact {
  readonly units: bigint;
  readonly scale: number;
}

/** MySQL's div_precision_increment default: `/` adds four digits to the dividend's scale. */
const DIV_PRECISION_INCREMENT = 4;
const EXACT_TEXT = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/;

export const ZERO: Exact = { units: 0n, scale: 0 };
export const ONE: Exact = { units: 1n, scale: 0 };

/** `-12.30` → { units: -1230n, scale: 2 }; undefined when the text is not a plain decimal number. */
export function parseExact(text: string): Exact | undefined {
  const m = EXACT_TEXT.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const fraction = m[3] ?? '';
  const units = BigInt(`${m[2] || '0'}${fraction}`);
  return { units: m[1] === '-' ? -units : units, scale: fraction.length };
}

export function exactFromInteger(n: number | bigint): Exact {
  return { units: BigInt(n), scale: 0 };
}

const POWERS = Array.from({ length: 40 }, (_, i) => 10n ** BigInt(i));

function pow10(n: number): bigint {
  return POWERS[n] ?? 10n ** BigInt(n);
}

function align(a: Exact, b: Exact): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * pow10(scale - a.scale), b.units * pow10(scale - b.scale), scale];
}

export function compareExact(a: Exact, b: Exact): number {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function addExact(a: Exact, b: Exact): Exact {
  const [x, y, scale] = align(a, b);
  return { units: x + y, scale };
}

export function subtractExact(a: Exact, b: Exact): Exact {
  const [x, y, scale] = align(a, b);
  return { units: x - y, scale };
}

export function multiplyExact(a: Exact, b: Exact): Exact {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** MySQL `/`: the dividend's scale plus 4 digits, rounded half away from zero; NULL on zero. */
export function divideExact(a: Exact, b: Exact): Exact | null {
  if (b.units === 0n) return null;
  const scale = a.scale + DIV_PRECISION_INCREMENT;
  // a/b * 10^scale = a.units * 10^(b.scale + 4) / b.units, kept doubled to round on the half.
  const numerator = a.units * pow10(b.scale + DIV_PRECISION_INCREMENT) * 2n;
  const doubled = numerator / b.units;
  const negative = a.units < 0n !== b.units < 0n;
  const magnitude = (doubled < 0n ? -doubled : doubled) + 1n;
  return { units: (negative ? -1n : 1n) * (magnitude / 2n), scale };
}

/** MySQL DIV: the quotient truncated toward zero, an integer; NULL on zero. */
export function integerDivideExact(a: Exact, b: Exact): Exact | null {
  const [x, y] = align(a, b);
  return y === 0n ? null : { units: x / y, scale: 0 };
}

/** MySQL `%` / MOD: the remainder takes the dividend's sign (as BigInt `%` does); NULL on zero. */
export function remainderExact(a: Exact, b: Exact): Exact | null {
  const [x, y, scale] = align(a, b);
  return y === 0n ? null : { units: x % y, scale };
}

export function negateExact(a: Exact): Exact {
  return { units: -a.units, scale: a.scale };
}

/** The number as MySQL prints it: all `scale` digits kept (`12.30`). */
export function exactToString(a: Exact): string {
  const negative = a.units < 0n;
  const digits = (negative ? -a.units : a.units).toString().padStart(a.scale + 1, '0');
  const text = a.scale === 0 ? digits : `${digits.slice(0, -a.scale)}.${digits.slice(-a.scale)}`;
  return negative ? `-${text}` : text;
}

export function exactToDouble(a: Exact): number {
  return Number(exactToString(a));
}
