/** z for a two-sided 95% interval: the 97.5th percentile of the standard normal. */
export const Z_95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/**
 * Wilson score interval for a proportion: `successes` of `trials` (Wilson 1927;
 * Newcombe 1998, method 3). With p = successes / trials and z for the confidence level,
 *
 *   centre = (p + z²/2n) / (1 + z²/n),  half-width = z/(1 + z²/n) · √(p(1 − p)/n + z²/4n²)
 *
 * Unlike p ± z√(p(1 − p)/n) it stays inside [0, 1] and does not collapse to a point at
 * 0 or 100%. It assumes independent trials; see the drawn bench for when they are not.
 */
export function wilsonInterval(successes: number, trials: number, z = Z_95): Interval {
  if (!(trials > 0) || successes < 0 || successes > trials) {
    throw new RangeError(`need 0 <= successes <= trials and trials > 0, got ${successes} of ${trials}`);
  }
  const p = successes / trials;
  const z2n = (z * z) / trials;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / trials + z2n / (4 * trials));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
