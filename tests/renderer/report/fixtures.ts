// Small evaluations built by hand, for the gallery's ordering and store tests.

/** An evaluation of `rows` test images: [label, prediction, probabilities of the ten classes]. */
export function evaluationOf(rows: [number, number, number[]][]) {
  return {
    count: rows.length,
    labels: Uint8Array.from(rows.map((r) => r[0])),
    predictions: Uint8Array.from(rows.map((r) => r[1])),
    probabilities: Float32Array.from(rows.flatMap((r) => r[2])),
  };
}

/** Ten probabilities with `p` on `digit` and the rest spread evenly. */
export function probs(digit: number, p: number, other?: [number, number]): number[] {
  const rest = (1 - p - (other?.[1] ?? 0)) / (other ? 8 : 9);
  return Array.from({ length: 10 }, (_, d) => (d === digit ? p : d === other?.[0] ? other[1] : rest));
}
