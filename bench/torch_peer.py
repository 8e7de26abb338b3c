"""The torch bench's PyTorch peer: Tegaki's networks in PyTorch, timed like Tegaki's.

    /usr/bin/python3 bench/torch_peer.py REQUEST_JSON

REQUEST_JSON (written by bench/torch-peer.ts) names the MNIST directory, the thread
count, the repetitions and warm-up steps, and each network: its model spec exactly as
Tegaki's modelSpecFor builds it (src/engine/model/spec.ts's LayerSpec list), its
optimiser, learning rate, batch size and timed steps. The layers are built from that
list, so the two sides cannot drift apart.

Each repetition builds the network from fresh weights (seed = repetition), runs the
warm-up steps untimed, then times the steps, batch assembly included (uint8 pixels to
float32 in 0..1), as Tegaki's trainer times its own. float32, no augmentation. After the
timed steps it measures the mean cross-entropy on the first LOSS_IMAGES training
images, as bench/cnn-speed-worker.ts does for Tegaki. Prints one JSON object on stdout.
"""

import json
import math
import os
import resource
import sys
import time

try:
    import torch
    import torch.nn.functional as F
    from torch import nn
except ImportError as error:
    print(f"No module named 'torch' ({error})", file=sys.stderr)
    sys.exit(3)

LOSS_IMAGES = 1000


def read_idx(path, header):
    with open(path, "rb") as f:
        return torch.frombuffer(bytearray(f.read()), dtype=torch.uint8)[header:]


def init_weights(module, init):
    kind = init["kind"]
    weight = module.weight
    fan_in = weight[0].numel()
    fan_out = weight.shape[0] * (weight[0][0].numel() if weight.dim() > 2 else 1)
    with torch.no_grad():
        if kind == "he":
            weight.normal_(0, math.sqrt(2 / fan_in))
        elif kind == "gaussian":
            weight.normal_(0, init.get("std", 0.01))
        elif kind == "uniform":
            limit = init.get("limit", 1)
            weight.uniform_(-limit, limit)
        elif kind == "xavier":
            limit = math.sqrt(6 / (fan_in + fan_out))
            weight.uniform_(-limit, limit)
        else:
            raise ValueError(f"unknown init {kind}")
        module.bias.zero_()


def build(spec):
    """A torch Sequential from Tegaki's layer list; images are NCHW here, NHWC in Tegaki."""
    height, width, channels = spec.get("inputShape") or [1, 1, spec["inputSize"]]
    image = "inputShape" in spec
    features = spec["inputSize"]
    layers = []
    for layer in spec["layers"]:
        kind = layer["type"]
        if kind == "conv2d":
            stride = layer.get("stride", 1)
            padding = layer["padding"]
            if padding == "same" and stride != 1:
                raise ValueError("'same' padding with a stride is not built here")
            conv = nn.Conv2d(channels, layer["filters"], layer["kernelSize"], stride, 0 if padding == "valid" else padding)
            init_weights(conv, layer["init"])
            layers.append(conv)
            size = layer["kernelSize"]
            pad = (size - 1) // 2 if padding == "same" else 0 if padding == "valid" else padding
            if padding == "same":
                height, width = math.ceil(height / stride), math.ceil(width / stride)
            else:
                height = (height + 2 * pad - size) // stride + 1
                width = (width + 2 * pad - size) // stride + 1
            channels = layer["filters"]
        elif kind == "max-pool":
            stride = layer.get("stride", layer["size"])
            layers.append(nn.MaxPool2d(layer["size"], stride))
            height = (height - layer["size"]) // stride + 1
            width = (width - layer["size"]) // stride + 1
        elif kind == "batch-norm":
            layers.append(nn.BatchNorm2d(channels) if image else nn.BatchNorm1d(features))
        elif kind == "flatten":
            layers.append(nn.Flatten())
            features, image = height * width * channels, False
        elif kind == "dense":
            linear = nn.Linear(features, layer["units"])
            init_weights(linear, layer["init"])
            layers.append(linear)
            features = layer["units"]
        elif kind == "relu":
            layers.append(nn.ReLU())
        elif kind == "sigmoid":
            layers.append(nn.Sigmoid())
        elif kind == "tanh":
            layers.append(nn.Tanh())
        elif kind == "leaky-relu":
            layers.append(nn.LeakyReLU(layer.get("alpha", 0.01)))
        elif kind == "dropout":
            layers.append(nn.Dropout(layer["rate"]))
        else:
            raise ValueError(f"unknown layer {kind}")
    if spec["loss"] != "softmax-cross-entropy":
        raise ValueError(f"loss {spec['loss']} is not built here")
    return nn.Sequential(*layers)


def optimiser(network, parameters):
    if network["optimizer"] == "adam":
        return torch.optim.Adam(parameters, lr=network["learningRate"])
    if network["optimizer"] == "sgd":
        return torch.optim.SGD(parameters, lr=network["learningRate"])
    raise ValueError(f"optimizer {network['optimizer']} is not built here")


def batch_input(images, indices, spec):
    x = images[indices].to(torch.float32).mul_(1 / 255)
    if "inputShape" in spec:
        height, width, channels = spec["inputShape"]
        return x.view(-1, height, width, channels).permute(0, 3, 1, 2).contiguous()
    return x


def repetition(network, images, labels, seed, warmup_steps):
    torch.manual_seed(seed)
    spec = network["spec"]
    model = build(spec)
    optimizer = optimiser(network, model.parameters())
    batch = network["batchSize"]
    generator = torch.Generator().manual_seed(seed)
    total = warmup_steps + network["steps"]
    epochs = math.ceil(total * batch / len(labels))
    order = torch.cat([torch.randperm(len(labels), generator=generator) for _ in range(epochs)])
    model.train()

    def step(i):
        indices = order[i * batch : (i + 1) * batch]
        x = batch_input(images, indices, spec)
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), labels[indices])
        loss.backward()
        optimizer.step()
        return len(indices)

    for i in range(warmup_steps):
        step(i)
    samples = 0
    start = time.perf_counter()
    for i in range(warmup_steps, total):
        samples += step(i)
    seconds = time.perf_counter() - start
    model.eval()
    with torch.no_grad():
        first = torch.arange(LOSS_IMAGES)
        loss = float(F.cross_entropy(model(batch_input(images, first, spec)), labels[first]))
    return samples / seconds, loss


def main():
    request = json.loads(sys.argv[1])
    threads = request["threads"]
    torch.set_num_threads(threads)
    mnist_dir = request["mnistDir"]
    images = read_idx(os.path.join(mnist_dir, "train-images-idx3-ubyte"), 16).view(-1, 784)
    labels = read_idx(os.path.join(mnist_dir, "train-labels-idx1-ubyte"), 8).to(torch.int64)
    results = []
    for network in request["networks"]:
        rates, losses = [], []
        for rep in range(request["repetitions"]):
            rate, loss = repetition(network, images, labels, rep + 1, request["warmupSteps"])
            rates.append(rate)
            losses.append(loss)
        results.append(
            {"name": network["name"], "samplesPerSecond": rates, "losses": losses, "steps": network["steps"]}
        )
    parallel = torch.__config__.parallel_info().splitlines()
    backend = next((line.split(":", 1)[1].strip() for line in parallel if "parallel backend" in line), "unknown")
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "parallelBackend": backend,
                "networks": results,
                "peakRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
