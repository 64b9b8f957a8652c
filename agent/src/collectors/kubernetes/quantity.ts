// Kubernetes resource quantities ("250m", "1500000n", "6291456Ki", "1.5Gi", "1e3") as integers.

// Exact arithmetic on BigInt: with floats "1.1" cores is 1100.0000000000002 millicores, which rounds up
// to 1101. Rounding is up, as resource.Quantity's Value() and MilliValue() do in Go, so a pod's
// 1500000n (1.5 millicores) reads as 2m, the same figure kubectl and the Go agent show.

const DECIMAL_EXPONENT: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_POWER: Record<string, bigint> = { Ki: 10n, Mi: 20n, Gi: 30n, Ti: 40n, Pi: 50n, Ei: 60n };

const QUANTITY = /^\+?(\d+)(?:\.(\d*))?(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

/** value = digits × 10^exponent × 2^binary. */
interface Parsed {
  digits: bigint;
  exponent: number;
  binary: bigint;
}

function parse(text: string): Parsed | undefined {
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  const whole = m[1] ?? '';
  const fraction = m[2] ?? '';
  const suffix = m[4] ?? '';
  const sci = m[3] ? Number(m[3].slice(1)) : undefined;
  const decimal = sci ?? DECIMAL_EXPONENT[suffix] ?? 0;
  return {
    digits: BigInt(`${whole}${fraction}` || '0'),
    exponent: decimal - fraction.length,
    binary: BINARY_POWER[suffix] ?? 0n,
  };
}

/** The value scaled by 10^shift, rounded up; undefined when the text is not a (non-negative) quantity. */
function scaled(text: string | undefined, shift: number): number | undefined {
  if (text === undefined) return undefined;
  const q = parse(text);
  if (!q) return undefined;
  const exponent = q.exponent + shift;
  const numerator = q.digits * 2n ** q.binary * 10n ** BigInt(Math.max(0, exponent));
  const denominator = 10n ** BigInt(Math.max(0, -exponent));
  const quotient = numerator / denominator;
  const value = numerator % denominator === 0n ? quotient : quotient + 1n;
  return Number(value);
}

/** A quantity in thousandths: CPU "250m" → 250, "2" → 2000, "1500000n" → 2 (rounded up). */
export function quantityToMilli(text: string | undefined): number | undefined {
  return scaled(text, 3);
}

/** A quantity in billionths: CPU "250m" → 250000000 nanocores, so container figures add up exactly. */
export function quantityToNano(text: string | undefined): number | undefined {
  return scaled(text, 9);
}

/** A quantity in whole units: memory "1024Mi" → 1073741824 bytes, pods "110" → 110 (rounded up). */
export function quantityToUnits(text: string | undefined): number | undefined {
  return scaled(text, 0);
}
