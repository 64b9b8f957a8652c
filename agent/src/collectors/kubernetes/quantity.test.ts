import { describe, expect, it } from 'vitest';
import { quantityToMilli, quantityToUnits } from './quantity.ts';

describe('quantityToMilli', () => {
  it.each([
    ['250m', 250],
    ['2', 2000],
    ['1.1', 1100],
    ['0.5', 500],
    ['1500000n', 2],
    ['1534021876n', 1535],
    ['3m', 3],
    ['100u', 1],
    ['0', 0],
    ['1e3', 1_000_000],
    ['+4', 4000],
  ])('%s → %d millicores (rounded up, as Go MilliValue)', (text, milli) => {
    expect(quantityToMilli(text)).toBe(milli);
  });
});

describe('quantityToUnits', () => {
  it.each([
    ['1024Mi', 1_073_741_824],
    ['6291456Ki', 6_442_450_944],
    ['1G', 1_000_000_000],
    ['1.5Gi', 1_610_612_736],
    ['110', 110],
    ['102626232Ki', 105_089_261_568],
    ['94580335255', 94_580_335_255],
    ['1k', 1000],
    ['12E-1', 2],
    ['500m', 1],
  ])('%s → %d', (text, units) => {
    expect(quantityToUnits(text)).toBe(units);
  });

  it('is undefined for text that is not a non-negative quantity', () => {
    for (const text of ['', 'abc', '1Qi', '-1', '1.2.3', 'Mi', '1 Gi']) {
      expect(quantityToUnits(text), text).toBeUndefined();
    }
    expect(quantityToUnits(undefined)).toBeUndefined();
  });
});
