#!/usr/bin/env python3
"""PyTorch peer of LearnPad's models, for `./learnpad bench peers` (docs/benchmarks.md).

Times training steps (forward, cross-entropy loss, backward, Adam 1e-3) of the same architectures as LearnPad's
DL4J builders, with zero padding:
  smallcnn  io.github.learnpad.train.SmallCnn, width 16: [pad 1, conv3x3 (no bias), BN, ReLU] x 2, max pool 2x2,
            [pad 1, conv3x3 x2 width, BN, ReLU] x 2, global average pool, dense softmax
  study     the study's network: vgg16 below at width 1/8 (8..64 channels, hidden 64), 1x32x32 inputs
  vgg16     io.github.learnpad.models.Vgg16, CIFAR variant: 13 conv3x3 (pad 1, bias) + BN + ReLU, 5 max pools,
            dropout 0.5 -> dense 512 ReLU -> dropout 0.5 -> dense 512 ReLU -> dense softmax
  resnet50  io.github.learnpad.models.ResNet50, CIFAR variant: conv3x3 stem + BN + ReLU, bottleneck stages
            (3, 4, 6, 3 blocks; the first block of every stage strided 2 on its first 1x1, as DL4J's zoo), global
            average pool, dense softmax
Prints one JSON line: {"model", "batch", "threads", "channels_last", "steps_ms": [...], "median_ms", "images_per_s"}.
With --serve it prints "ready torch <version>", then runs one training step per line "step" read from stdin and
prints its time in ms, until stdin ends: LearnPad's Java benchmark interleaves these steps with DL4J's.
"""
import sys
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn


def conv_bn_relu(cin, cout, bias):
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=bias), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


def small_cnn(channels, classes, width=16):
    w = [width, width, 2 * width, 2 * width]
    layers = conv_bn_relu(channels, w[0], False) + conv_bn_relu(w[0], w[1], False) + [nn.MaxPool2d(2, 2)]
    layers += conv_bn_relu(w[1], w[2], False) + conv_bn_relu(w[2], w[3], False)
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(w[3], classes)]
    return nn.Sequential(*layers)


def scaled(width, multiplier):
    """As Vgg16.Builder.widthMultiplier: rounded, at least 1 (Java's Math.round: half up)."""
    return max(1, int(width * multiplier + 0.5))


def vgg16_cifar(channels, classes, size, width=1.0):
    blocks = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]]
    layers, cin = [], channels
    for block in blocks:
        for cout in block:
            cout = scaled(cout, width)
            layers += conv_bn_relu(cin, cout, True)
            cin = cout
        layers.append(nn.MaxPool2d(2, 2))
    side = size // 32
    hidden = scaled(512, width)
    layers += [nn.Flatten(), nn.Dropout(0.5), nn.Linear(cin * side * side, hidden), nn.ReLU(inplace=True),
               nn.Dropout(0.5), nn.Linear(hidden, hidden), nn.ReLU(inplace=True), nn.Linear(hidden, classes)]
    return nn.Sequential(*layers)


class Bottleneck(nn.Module):
    def __init__(self, cin, f, stride, conv_shortcut):
        super().__init__()
        self.a = nn.Sequential(nn.Conv2d(cin, f[0], 1, stride=stride), nn.BatchNorm2d(f[0]), nn.ReLU(inplace=True),
                               nn.Conv2d(f[0], f[1], 3, padding=1), nn.BatchNorm2d(f[1]), nn.ReLU(inplace=True),
                               nn.Conv2d(f[1], f[2], 1), nn.BatchNorm2d(f[2]))
        self.short = (nn.Sequential(nn.Conv2d(cin, f[2], 1, stride=stride), nn.BatchNorm2d(f[2]))
                      if conv_shortcut else nn.Identity())
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.relu(self.a(x) + self.short(x))


def resnet50_cifar(channels, classes):
    layers = [nn.Conv2d(channels, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(inplace=True)]
    filters = [[64, 64, 256], [128, 128, 512], [256, 256, 1024], [512, 512, 2048]]
    cin = 64
    for f, n in zip(filters, [3, 4, 6, 3]):
        for k in range(n):
            layers.append(Bottleneck(cin, f, 2 if k == 0 else 1, k == 0))
            cin = f[2]
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2048, classes)]
    return nn.Sequential(*layers)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", choices=["smallcnn", "study", "vgg16", "resnet50"], default="vgg16")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--threads", type=int, default=2, help="intra-op threads (default 2, as DL4J's OpenMP on 2 cores)")
    p.add_argument("--channels-last", action="store_true", help="NHWC memory format")
    p.add_argument("--serve", action="store_true", help="one step per line 'step' on stdin, its ms on stdout")
    a = p.parse_args()

    torch.manual_seed(42)
    torch.set_num_threads(a.threads)
    if a.model == "smallcnn":
        c, size = 1, 28
        net = small_cnn(c, 10)
    elif a.model == "study":
        c, size = 1, 32
        net = vgg16_cifar(c, 10, size, 0.125)
    elif a.model == "vgg16":
        c, size = 3, 32
        net = vgg16_cifar(c, 10, size)
    else:
        c, size = 3, 32
        net = resnet50_cifar(c, 10)
    x = torch.rand(a.batch, c, size, size)
    y = torch.arange(a.batch) % 10
    if a.channels_last:
        net = net.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    net.train()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
        return (time.perf_counter() - t0) * 1000

    if a.serve:
        print("ready torch " + torch.__version__, flush=True)
        for line in sys.stdin:
            if line.strip() == "step":
                print("%.3f" % step(), flush=True)
        return
    times = []
    for i in range(a.warmup + a.steps):
        t = step()
        if i >= a.warmup:
            times.append(t)
    med = statistics.median(times)
    print(json.dumps({"model": a.model, "batch": a.batch, "threads": a.threads, "channels_last": a.channels_last,
                      "torch": torch.__version__, "steps_ms": [round(t, 1) for t in times],
                      "median_ms": round(med, 1), "images_per_s": round(a.batch * 1000 / med, 1)}))


if __name__ == "__main__":
    main()
