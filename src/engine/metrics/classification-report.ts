/**
 * Per-class precision, recall and F1 from a confusion matrix, computed and printed
 * exactly as scikit-learn's `classification_report(y_true, y_pred, zero_division=0)`
 * does, so numbers can be checked against the Python notes digit for digit.
 *
 * For class k with tp = C[k][k], support = Σ row k, predicted = Σ column k:
 *   precision = tp / predicted   (0 if nothing was predicted as k)
 *   recall    = tp / support     (0 if k never occurs)
 *   f1        = 2 tp / (support + predicted)   (0 if both are 0; equals 2PR/(P+R))
 * accuracy = trace / total; macro avg = unweighted mean over the listed classes;
 * weighted avg = mean weighted by support. As sklearn does by default, a class that
 * is neither present nor predicted is left out of the rows and the averages.
 */

export interface ClassMetrics {
  /** Class index: row and column of the confusion matrix. */
  label: number;
  precision: number;
  recall: number;
  f1: number;
  /** How many samples truly belong to the class. */
  support: number;
}

export interface AverageMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** All samples, as sklearn prints beside its averages. */
  support: number;
}

export interface ClassificationReport {
  classes: ClassMetrics[];
  accuracy: number;
  macroAvg: AverageMetrics;
  weightedAvg: AverageMetrics;
}

export function classificationReport(confusion: number[][]): ClassificationReport {
  const size = confusion.length;
  if (confusion.some((row) => row.length !== size)) throw new RangeError('confusion matrix must be square');
  const supportOf = (k: number): number => numpySum(confusion[k]);
  const predictedOf = (k: number): number => numpySum(confusion.map((row) => row[k]));
  const classes: ClassMetrics[] = [];
  let correct = 0;
  for (let k = 0; k < size; k++) {
    const tp = confusion[k][k];
    const support = supportOf(k);
    const predicted = predictedOf(k);
    correct += tp;
    if (support === 0 && predicted === 0) continue;
    classes.push({
      label: k,
      precision: predicted > 0 ? tp / predicted : 0,
      recall: support > 0 ? tp / support : 0,
      f1: support + predicted > 0 ? (2 * tp) / (support + predicted) : 0,
      support,
    });
  }
  const total = numpySum(classes.map((c) => c.support));
  const supports = classes.map((c) => c.support);
  const average = (pick: (c: ClassMetrics) => number, weighted: boolean): number => {
    const values = classes.map(pick);
    if (values.length === 0) return 0;
    // numpy.average with all-zero weights raises; sklearn then falls back to the plain mean.
    if (weighted && total > 0) return numpySum(values.map((v, i) => v * supports[i])) / total;
    return numpySum(values) / values.length;
  };
  const averages = (weighted: boolean): AverageMetrics => ({
    precision: average((c) => c.precision, weighted),
    recall: average((c) => c.recall, weighted),
    f1: average((c) => c.f1, weighted),
    support: total,
  });
  return {
    classes,
    accuracy: total > 0 ? correct / total : 0,
    macroAvg: averages(false),
    weightedAvg: averages(true),
  };
}

export interface ReportFormatOptions {
  /** Decimal places, as sklearn's `digits`. */
  digits?: number;
  /** Display name per class index, e.g. `['zero', 'one', ...]`; default the index. */
  labels?: readonly string[];
}

/**
 * The report as sklearn's classification_report prints it, byte for byte, trailing
 * newline included:
 *
 * ```
 *               precision    recall  f1-score   support
 *
 *            0       0.60      0.75      0.67         4
 *   ...
 *     accuracy                           0.50        10
 *    macro avg       0.28      0.31      0.29        10
 * weighted avg       0.44      0.50      0.47        10
 * ```
 */
export function formatClassificationReport(
  report: ClassificationReport,
  { digits = 2, labels }: ReportFormatOptions = {},
): string {
  const names = report.classes.map((c) => labels?.[c.label] ?? String(c.label));
  const width = Math.max(...names.map(codePointLength), 'weighted avg'.length, digits);
  const column = (text: string): string => ` ${padStart(text, 9)}`;
  const numbers = (...values: number[]): string => values.map((v) => column(formatFixed(v, digits))).join('');
  const row = (name: string, m: Omit<ClassMetrics, 'label'>): string =>
    `${padStart(name, width)} ${numbers(m.precision, m.recall, m.f1)}${column(String(m.support))}\n`;

  let text = `${' '.repeat(width)} ${['precision', 'recall', 'f1-score', 'support'].map(column).join('')}\n\n`;
  report.classes.forEach((metrics, i) => (text += row(names[i], metrics)));
  text += '\n';
  const total = String(report.macroAvg.support);
  text += `${padStart('accuracy', width)} ${column('')}${column('')}${numbers(report.accuracy)}${column(total)}\n`;
  text += row('macro avg', report.macroAvg);
  text += row('weighted avg', report.weightedAvg);
  return text;
}

/**
 * The confusion matrix as a right-aligned grid, rows = true class, columns =
 * predicted class:
 *
 * ```
 *      predicted
 * true  0  1  2
 *    0  3  1  0
 *    1  1  2  1
 * ```
 */
export function formatConfusionMatrix(confusion: number[][], labels?: readonly string[]): string {
  const names = confusion.map((_, k) => labels?.[k] ?? String(k));
  const headWidth = Math.max('true'.length, ...names.map(codePointLength));
  const cellWidth = Math.max(...names.map(codePointLength), ...confusion.flat().map((n) => String(n).length));
  const cells = (values: readonly (string | number)[]): string =>
    values.map((v) => padStart(String(v), cellWidth + 2)).join('');
  return [
    `${' '.repeat(headWidth)} predicted`,
    `${padStart('true', headWidth)}${cells(names)}`,
    ...confusion.map((row, k) => `${padStart(names[k], headWidth)}${cells(row)}`),
  ].join('\n');
}

/**
 * `value` with `digits` decimals as Python's `format(value, '.{digits}f')` writes it:
 * the exact binary value correctly rounded, exact ties to even. JS's toFixed also
 * rounds the exact value but sends ties away from zero, so 0.125 would give "0.13"
 * where Python (and so sklearn) prints "0.12".
 */
export function formatFixed(value: number, digits: number): string {
  const rounded = value.toFixed(digits);
  if (!Number.isFinite(value) || digits >= 100) return rounded;
  // toFixed(100) is exact for any value that can be a tie: a tie ends in 5 at
  // digits + 1, so it is a dyadic rational with a short decimal expansion.
  const exact = value.toFixed(100);
  const cut = exact.indexOf('.') + 1 + digits;
  const isTie = exact[cut] === '5' && /^0*$/.test(exact.slice(cut + 1));
  if (!isTie) return rounded;
  const truncated = exact.slice(0, digits === 0 ? cut - 1 : cut);
  const lastDigit = Number(truncated.replace('.', '').slice(-1));
  return lastDigit % 2 === 0 ? truncated : rounded;
}

/**
 * Sum in numpy's pairwise order (eight running sums, then pairs), which is what
 * np.mean and np.average use on float64; the last bit can differ from a plain loop
 * and decide how a printed average rounds.
 */
function numpySum(values: readonly number[], start = 0, length = values.length): number {
  if (length < 8) {
    let sum = 0;
    for (let i = start; i < start + length; i++) sum += values[i];
    return sum;
  }
  if (length <= 128) {
    const partial = values.slice(start, start + 8);
    let i = 8;
    for (; i < length - (length % 8); i += 8) {
      for (let j = 0; j < 8; j++) partial[j] += values[start + i + j];
    }
    // ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7)), as numpy adds them.
    let sum =
      partial[0] + partial[1] + (partial[2] + partial[3]) + (partial[4] + partial[5] + (partial[6] + partial[7]));
    for (; i < length; i++) sum += values[start + i];
    return sum;
  }
  let half = Math.floor(length / 2);
  half -= half % 8;
  return numpySum(values, start, half) + numpySum(values, start + half, length - half);
}

function codePointLength(text: string): number {
  return Array.from(text).length;
}

/** Right-aligns by code points, as Python's `{:>n}` does. */
function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - codePointLength(text))) + text;
}
