"""PyTorch, one thread, on the foundation workloads: the reference rate for
bench/training-throughput.ts. Reads commands from stdin, one per line:

    <mlp|cnn> <seconds>

and answers each with one JSON line: {"key", "samples_per_s" (wall clock),
"samples_per_cpu_s" (per second of this process's CPU time), "batches"}.
Same nets, batch sizes, optimizer (Adam 1e-3) and loss as the tfjs side, on
random inputs of the MNIST shape (the rate does not depend on the values).
A first line {"ready": true, "torch": version} says it started.
"""
import json
import sys
import time

import torch
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(0)


def mlp():
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 5 * 5, 10),
    )


WORKLOADS = {"mlp": (mlp, 64, (784,)), "cnn": (cnn, 32, (1, 28, 28))}
STATE = {}


def setup(key):
    build, batch, shape = WORKLOADS[key]
    model = build()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = [(torch.rand(batch, *shape), torch.randint(0, 10, (batch,))) for _ in range(8)]
    loss_fn = nn.CrossEntropyLoss()

    def step(i):
        x, y = batches[i % len(batches)]
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    for i in range(3):
        step(i)
    return step, batch


def run(key, seconds):
    if key not in STATE:
        STATE[key] = setup(key)
    step, batch = STATE[key]
    done = 0
    start = time.perf_counter()
    cpu_start = time.process_time()
    while done < 3 or time.perf_counter() - start < seconds:
        step(done)
        done += 1
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    return {"key": key, "samples_per_s": done * batch / elapsed, "samples_per_cpu_s": done * batch / cpu, "batches": done}


def main():
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "quit":
            break
        print(json.dumps(run(parts[0], float(parts[1]))), flush=True)


if __name__ == "__main__":
    main()
