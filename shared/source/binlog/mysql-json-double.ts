/**
 * A double inside a JSON document as MySQL 8 prints it (SELECT, CAST(... AS CHAR), mysqlbinlog):
 * the shortest digits that read back as the same double, in plain notation from 1e-15 up to
 * 1e15 (and beyond, up to the 17th digit, while the digits still have a fraction), in `1.5e300` /
 * `1e-16` notation outside that, and with `.0` after a plain integral value so it stays a double
 * (`100.0`, `-0.0`). JavaScript's own forms differ (`100`, `1e+21`, `1e-7`, `0` for -0).
 * test/mysql8/mysql8-types.test.ts checks these rules against the server over a range of values.
 */

/** Plain notation reaches down to 1e-15: 0.000000000000001 (decimal point position -14). */
const LOWEST_PLAIN_POINT = -14;
/** And up to 15 integral digits, or more while the value has a fraction (its digits run past the point). */
const HIGHEST_PLAIN_POINT = 15;

export function mysqlJsonDouble(d: number): string {
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const sign = d < 0 ? '-' : '';
  const [mantissa, exponent] = Math.abs(d).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  // The value is 0.<digits> × 10^point.
  const point = Number(exponent) + 1;
  if (point >= LOWEST_PLAIN_POINT && (point <= HIGHEST_PLAIN_POINT || point < digits.length)) {
    if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
    if (point < digits.length) return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
    return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
  }
  return `${sign}${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e${point - 1}`;
}
