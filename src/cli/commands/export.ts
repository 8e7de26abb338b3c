import { writeFileAtomicSync } from '../../digits/io/atomic-write';
import { ONNX_INPUT_NAME, ONNX_OPSET, ONNX_OUTPUT_NAME, onnxModelOf } from '../../digits/io/onnx/export-onnx';
import { encodeOnnxModel } from '../../digits/io/onnx/onnx-proto';
import { loadAnyModel } from '../../digits/io/saved-model';
import { emitJson } from '../output';

export interface ExportFlags {
  onnx: string;
  json?: boolean;
}

/**
 * `tegaki export MODEL --onnx OUT.onnx`: the model as a standard ONNX file that
 * onnxruntime, Netron or any framework opens (digits/io/onnx/export-onnx.ts).
 */
export async function exportCommand(modelPath: string, flags: ExportFlags): Promise<void> {
  const { content } = await loadAnyModel(modelPath);
  const onnx = onnxModelOf(content);
  const bytes = encodeOnnxModel(onnx);
  writeFileAtomicSync(flags.onnx, bytes);
  const operators = (onnx.graph?.node ?? []).map((node) => node.op_type ?? '');
  const summary = {
    type: 'export',
    model: modelPath,
    out: flags.onnx,
    format: 'onnx',
    opset: ONNX_OPSET,
    bytes: bytes.length,
    input: ONNX_INPUT_NAME,
    output: ONNX_OUTPUT_NAME,
    operators,
  };
  if (flags.json) {
    emitJson(summary);
    return;
  }
  process.stdout.write(
    `wrote ${flags.onnx} (${bytes.length} bytes, ONNX opset ${ONNX_OPSET})\n` +
      `  input  "${ONNX_INPUT_NAME}" float32 [N, 1, 28, 28], 0..1, white ink on black (as MNIST)\n` +
      `  ${operators.join(' -> ')}\n` +
      `  output "${ONNX_OUTPUT_NAME}" float32 [N, 10]\n`,
  );
}
