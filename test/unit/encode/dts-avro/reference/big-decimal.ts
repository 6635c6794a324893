/**
 * Java `BigDecimal.precision()` and `scale()` of a decimal text, as DTS fills `Decimal.precision`
 * and `Decimal.scale` (formats.md §1.3: "348.00" → 5,2; "1050.00" → 6,2; "1.00" → 3,2).
 * scale = digits after the point (minus an exponent); precision = digits of the unscaled value
 * without leading zeros, 1 for zero: "0.001" → 1,3; "0.00" → 1,2; "-12.50" → 4,2; "0" → 1,0.
 */

export interface PrecisionScale {
  readonly precision: number;
  readonly scale: number;
}

const decimalText = /^[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Precision and scale of `text`, or undefined when it is not a decimal number. */
export function bigDecimalPrecisionScale(text: string): PrecisionScale | undefined {
  const m = decimalText.exec(text);
  if (!m) return undefined;
  const integer = m[1] ?? '';
  const fraction = m[2] ?? '';
  if (integer.length + fraction.length === 0) return undefined;
  const digits = integer + fraction;
  let first = 0;
  while (first < digits.length - 1 && digits.charCodeAt(first) === 48) first++;
  const precision = digits.charCodeAt(first) === 48 ? 1 : digits.length - first;
  return { precision, scale: fraction.length - Number(m[3] ?? 0) };
}
