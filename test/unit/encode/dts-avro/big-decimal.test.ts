/** Java BigDecimal precision and scale of decimal texts (formats.md §1.3 Decimal). */
import { describe, expect, it } from 'vitest';
import { bigDecimalPrecisionScale } from '../../../../shared/encode/dts-avro/big-decimal.ts';

describe('bigDecimalPrecisionScale', () => {
  // Values as `new BigDecimal(text).precision()` / `.scale()` give them.
  it.each([
    ['348.00', 5, 2],
    ['1050.00', 6, 2],
    ['1.00', 3, 2],
    ['0.001', 1, 3],
    ['0.0123', 3, 4],
    ['-0.50', 2, 2],
    ['-12.50', 4, 2],
    ['0', 1, 0],
    ['0.00', 1, 2],
    ['-0.0', 1, 1],
    ['100', 3, 0],
    ['007', 1, 0],
    ['+5.5', 2, 1],
    ['.5', 1, 1],
    ['5.', 1, 0],
    ['1E+3', 1, -3],
    ['1.23e-2', 3, 4],
    ['99999999999999999999999999999999999.999999999999999999999999999999', 65, 30],
  ])('%s → precision %i, scale %i', (text, precision, scale) => {
    expect(bigDecimalPrecisionScale(text)).toEqual({ precision, scale });
  });

  it.each(['', '-', '.', 'NaN', 'Infinity', '1,5', '1.2.3', ' 1', '0x10'])('%j is not a decimal', (text) => {
    expect(bigDecimalPrecisionScale(text)).toBeUndefined();
  });
});
