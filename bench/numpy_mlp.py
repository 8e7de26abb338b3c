"""The speed bench's numpy peer: the reference MLP in numpy, timed like Tegaki's.

    OPENBLAS_NUM_THREADS=1 python3 bench/numpy_mlp.py MNIST_DIR [REPETITIONS] [FRACTION] [TEST_SIZE]

784-128-10 ReLU, He init, Adam 1e-3, batch 64, float32, softmax cross-entropy, on
FRACTION of one shuffled epoch of MNIST, REPETITIONS times from fresh weights. The
timed loop includes batch assembly (uint8 pixels to float32 in 0..1), as Tegaki's
trainer times its own. bench/speed.ts runs this with one BLAS thread, as Tegaki has
one, and reads the JSON it prints on stdout.
"""

import json
import os
import resource
import sys
import time

import numpy as np

HIDDEN = 128
BATCH = 64
LEARNING_RATE = 1e-3
BETA1, BETA2, EPSILON = 0.9, 0.999, 1e-8


def read_idx(path, header):
    with open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=header)


def load(mnist_dir, images, labels):
    pixels = read_idx(os.path.join(mnist_dir, images), 16).reshape(-1, 784)
    return pixels, read_idx(os.path.join(mnist_dir, labels), 8)


def blas():
    """Which BLAS numpy calls and which of its kernels runs, as well as can be told."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        libraries = getattr(np.__config__, "blas_opt_info", {}).get("libraries") or ["unknown"]
        return {"library": f"BLAS {', '.join(libraries)} (install python3-threadpoolctl to see its kernel)"}
    pools = [pool for pool in threadpool_info() if pool.get("user_api") == "blas"]
    if not pools:
        return {"library": "no BLAS found by threadpoolctl"}
    pool = pools[0]
    threads = pool.get("num_threads")
    return {
        "library": f"{pool.get('internal_api')} {pool.get('version')}, {threads} thread{'' if threads == 1 else 's'}",
        "kernel": pool.get("architecture"),
    }


class Adam:
    def __init__(self, params):
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, params, grads):
        self.t += 1
        step_size = LEARNING_RATE * np.sqrt(1 - BETA2**self.t) / (1 - BETA1**self.t)
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m *= BETA1
            m += (1 - BETA1) * g
            v *= BETA2
            v += (1 - BETA2) * (g * g)
            p -= np.float32(step_size) * m / (np.sqrt(v) + np.float32(EPSILON))


def train(images, labels, seed, fraction):
    rng = np.random.default_rng(seed)
    w1 = (rng.standard_normal((784, HIDDEN)) * np.sqrt(2 / 784)).astype(np.float32)
    b1 = np.zeros(HIDDEN, np.float32)
    w2 = (rng.standard_normal((HIDDEN, 10)) * np.sqrt(2 / HIDDEN)).astype(np.float32)
    b2 = np.zeros(10, np.float32)
    params = [w1, b1, w2, b2]
    adam = Adam(params)
    order = rng.permutation(len(labels))
    steps = int(np.ceil(fraction * len(labels) / BATCH))
    scale = np.float32(1 / 255)
    samples = 0
    loss = float("nan")
    start = time.perf_counter()
    for step in range(steps):
        batch = order[step * BATCH : (step + 1) * BATCH]
        x = images[batch].astype(np.float32) * scale
        y = labels[batch]
        n = len(batch)
        hidden = x @ w1 + b1
        np.maximum(hidden, 0, out=hidden)
        logits = hidden @ w2 + b2
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        probabilities = exp / exp.sum(axis=1, keepdims=True)
        loss = -np.log(probabilities[np.arange(n), y] + 1e-12).mean()
        d_logits = probabilities
        d_logits[np.arange(n), y] -= 1
        d_logits /= n
        d_hidden = d_logits @ w2.T
        d_hidden *= hidden > 0
        grads = [x.T @ d_hidden, d_hidden.sum(axis=0), hidden.T @ d_logits, d_logits.sum(axis=0)]
        adam.step(params, grads)
        samples += n
    seconds = time.perf_counter() - start
    return params, samples, seconds, float(loss)


def accuracy(params, images, labels):
    w1, b1, w2, b2 = params
    x = images.astype(np.float32) / 255
    logits = np.maximum(x @ w1 + b1, 0) @ w2 + b2
    return float((logits.argmax(axis=1) == labels).mean())


def main():
    mnist_dir = sys.argv[1]
    repetitions = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    fraction = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
    test_size = int(sys.argv[4]) if len(sys.argv) > 4 else 10_000
    train_images, train_labels = load(mnist_dir, "train-images-idx3-ubyte", "train-labels-idx1-ubyte")
    test_images, test_labels = load(mnist_dir, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
    test_images, test_labels = test_images[:test_size], test_labels[:test_size]
    runs = []
    for rep in range(repetitions):
        params, samples, seconds, loss = train(train_images, train_labels, rep + 1, fraction)
        runs.append(
            {
                "samplesPerSecond": samples / seconds,
                "testAccuracy": accuracy(params, test_images, test_labels),
                "samples": samples,
                "finalLoss": loss,
            }
        )
    peak_rss_bytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"numpy": np.__version__, "blas": blas(), "repetitions": runs, "peakRssBytes": peak_rss_bytes}))


if __name__ == "__main__":
    main()
