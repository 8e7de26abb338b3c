// The fused loss. Twin of ../../reference/softmax-cross-entropy.ts.

/**
 * Softmax-cross-entropy on logits z[rows,cols] with int32 labels: writes p = softmax(z)
 * and grad = (p − onehot)/rows, returns Σ_rows (log Σ e^(z−max) + max − z_label).
 * Exponentials and sums in f64, as the reference does.
 */
export function softmaxCrossEntropy(z: usize, labels: usize, p: usize, grad: usize, rows: i32, cols: i32): f64 {
  let total: f64 = 0;
  const inv: f64 = 1.0 / <f64>rows;
  for (let r = 0; r < rows; r++) {
    const o = <usize>(r * cols) << 2;
    let max: f64 = -Infinity;
    for (let j = 0; j < cols; j++) {
      const v = <f64>load<f32>(z + o + (<usize>j << 2));
      if (v > max) max = v;
    }
    let sum: f64 = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(<f64>load<f32>(z + o + (<usize>j << 2)) - max);
      store<f32>(p + o + (<usize>j << 2), <f32>e);
      sum += e;
    }
    const label = load<i32>(labels + (<usize>r << 2));
    for (let j = 0; j < cols; j++) {
      const q = o + (<usize>j << 2);
      const prob = <f32>(<f64>load<f32>(p + q) / sum);
      store<f32>(p + q, prob);
      store<f32>(grad + q, <f32>(<f64>prob * inv - (j == label ? inv : 0)));
    }
    total += Math.log(sum) + max - <f64>load<f32>(z + o + (<usize>label << 2));
  }
  return total;
}
