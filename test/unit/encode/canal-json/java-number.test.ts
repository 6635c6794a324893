/**
 * Java Double.toString / Float.toString. Expected strings are what OpenJDK prints; rows marked
 * "JDK 19+" are where JDK <= 18's FloatingDecimal printed a longer or farther decimal (JDK-4511638)
 * and we follow the current, exact specification.
 */
import { describe, expect, it } from 'vitest';
import { exactShortestFloatDecimal, javaDoubleToString, javaFloatToString, shortestFloatDecimal } from '../../../../shared/encode/canal-json/java-number.ts';

function significantDigits(text: string): number {
  return text.replace(/^-/, '').replace(/E.*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
}

describe('javaDoubleToString', () => {
  it.each([
    [1, '1.0'],
    [0, '0.0'],
    [-0, '-0.0'],
    [100, '100.0'],
    [-1.5, '-1.5'],
    [0.5, '0.5'],
    [0.1, '0.1'],
    [0.3, '0.3'],
    [0.1 + 0.2, '0.30000000000000004'],
    [0.001, '0.001'],
    [0.0012, '0.0012'],
    [1e-4, '1.0E-4'],
    [1e-5, '1.0E-5'],
    [1.23e-18, '1.23E-18'],
    [9999999, '9999999.0'],
    [9999999.999999998, '9999999.999999998'],
    [1e7, '1.0E7'],
    [12345678, '1.2345678E7'],
    [1234567.125, '1234567.125'],
    [123456789012, '1.23456789012E11'],
    [1e16, '1.0E16'],
    [1e21, '1.0E21'],
    [Number.MIN_VALUE, '4.9E-324'],
    [2.2250738585072014e-308, '2.2250738585072014E-308'],
    [Number.MAX_VALUE, '1.7976931348623157E308'],
    [-Number.MAX_VALUE, '-1.7976931348623157E308'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
    // JDK 19+: with a 1-digit shortest, 2-digit decimals compete and the closest wins.
    [1e-323, '9.9E-324'],
    [2 ** 53, '9.007199254740992E15'],
    [2 ** 1023, '8.98846567431158E307'],
    // JDK 19+ (JDK <= 18: 1.9999999999999998E23).
    [2e23, '2.0E23'],
    // JDK 19+ (JDK <= 18: 3.0549363634996047E-151).
    [2 ** -500, '3.054936363499605E-151'],
  ])('%s → %s', (x, expected) => {
    expect(javaDoubleToString(x)).toBe(expected);
  });

  it('round-trips through Number and is never longer than 17 digits', () => {
    const view = new DataView(new ArrayBuffer(8));
    let state = 987654321;
    for (let i = 0; i < 20_000; i++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      view.setUint32(0, state);
      view.setUint32(4, Math.imul(state, 2654435761) >>> 0);
      const d = view.getFloat64(0);
      if (!Number.isFinite(d)) continue;
      const text = javaDoubleToString(d);
      expect(Number(text)).toBe(d);
      expect(significantDigits(text)).toBeLessThanOrEqual(17);
    }
  });
});

describe('javaFloatToString', () => {
  it.each([
    [1, '1.0'],
    [-0, '-0.0'],
    [0.1, '0.1'],
    [0.2, '0.2'],
    [0.3, '0.3'],
    [-2.5, '-2.5'],
    [3.14, '3.14'],
    [123.456, '123.456'],
    [0.001, '0.001'],
    [1e-4, '1.0E-4'],
    [9999999, '9999999.0'],
    [1e7, '1.0E7'],
    [1e10, '1.0E10'],
    [16777216, '1.6777216E7'],
    [16777217, '1.6777216E7'], // not a float: rounds to 2^24 first
    [3.4028235e38, '3.4028235E38'],
    // Float.MIN_VALUE: Java prints 1.4E-45 (its javadoc literal), not the 1-digit 1.0E-45.
    [1.4e-45, '1.4E-45'],
    [8.5e-44, '8.5E-44'],
    // Equally close 8-digit neighbours: the even one, as OpenJDK does.
    [1115755.25, '1115755.2'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
    [1e39, 'Infinity'], // beyond float range
    // Powers of two: the gap below is half the gap above.
    [2 ** -100, '7.888609E-31'],
    [2 ** -60, '8.6736174E-19'],
    [2 ** -10, '9.765625E-4'],
    [2 ** 60, '1.1529215E18'],
    [2 ** 127, '1.7014118E38'],
    // JDK 19+ (JDK <= 18: 1.17549435E-38), Float.MIN_NORMAL.
    [1.17549435e-38, '1.1754944E-38'],
    // JDK 19+ (JDK <= 18: 1.07374182E9): 1073741800 is 24 below 2^30, inside the half gap of 32.
    [2 ** 30, '1.0737418E9'],
    // JDK 19+ (JDK <= 18: 7.175E-43), a subnormal.
    [2 ** -140, '7.17E-43'],
  ])('%s → %s', (x, expected) => {
    expect(javaFloatToString(x)).toBe(expected);
  });

  it('round-trips through Math.fround and is never longer than 9 digits', () => {
    const view = new DataView(new ArrayBuffer(4));
    let state = 12345;
    for (let i = 0; i < 20_000; i++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      view.setUint32(0, state);
      const f = view.getFloat32(0);
      if (!Number.isFinite(f)) continue;
      const text = javaFloatToString(f);
      expect(Math.fround(Number(text))).toBe(f);
      expect(significantDigits(text)).toBeLessThanOrEqual(9);
    }
  });

  it('finds with doubles the decimal the exact search finds, or leaves the float to it (random floats, powers of two and ten, subnormals, table-like values)', () => {
    const view = new DataView(new ArrayBuffer(4));
    const floats: number[] = [];
    let state = 24680;
    for (let i = 0; i < 200_000; i++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      view.setUint32(0, state & 0x7fffffff);
      floats.push(view.getFloat32(0));
    }
    for (let e = -149; e <= 127; e++) for (const m of [1, 1 - 2 ** -24, 1 + 2 ** -23]) floats.push(Math.fround(2 ** e * m));
    for (let e = -45; e <= 38; e++) for (const m of [1, 0.999999, 1.000001, 9.999999]) floats.push(Math.fround(Number(`${m}e${e}`)));
    for (let i = 0; i < 20_000; i++) floats.push(Math.fround(i / 64), Math.fround(i / 100), Math.fround(i * 0.37));
    let fast = 0;
    let checked = 0;
    for (const f of floats) {
      if (!Number.isFinite(f) || f <= 0) continue;
      checked++;
      const found = shortestFloatDecimal(f);
      if (found === undefined) continue;
      fast++;
      expect(found, `float ${f}`).toEqual(exactShortestFloatDecimal(f));
    }
    // the fast path answers nearly every float, so what it answers was compared
    expect(checked).toBeGreaterThan(250_000);
    expect(fast / checked).toBeGreaterThan(0.99);
  });
});
