/**
 * `npx tsx scripts/build-onnx-schema.ts`: turns the official ONNX schema
 * (src/digits/io/onnx/onnx.proto, copied unchanged from the onnx project, release 1.12,
 * as Debian's python3-onnx ships it) into protobufjs's JSON descriptor,
 * src/digits/io/onnx/onnx-schema.json, which the app loads without a .proto parser or a
 * file read at run time (it bundles like any JSON module, in Electron, the CLI and tests).
 *
 * `--check` writes nothing and fails if the committed descriptor is not what the .proto
 * gives (tests/digits/io/onnx/onnx-proto.test.ts runs it).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const protoPath = fileURLToPath(new URL('../src/digits/io/onnx/onnx.proto', import.meta.url));
const jsonPath = fileURLToPath(new URL('../src/digits/io/onnx/onnx-schema.json', import.meta.url));

// keepCase: the field names stay ONNX's own (raw_data, opset_import), as in its docs.
const root = protobuf.parse(readFileSync(protoPath, 'utf8'), { keepCase: true }).root;
const generated = `${JSON.stringify(root.toJSON(), null, 2)}\n`;
if (process.argv.includes('--check')) {
  if (readFileSync(jsonPath, 'utf8') !== generated) {
    console.error('onnx-schema.json is out of date: run npx tsx scripts/build-onnx-schema.ts');
    process.exit(1);
  }
} else {
  writeFileSync(jsonPath, generated);
  console.log(`wrote ${jsonPath}`);
}
