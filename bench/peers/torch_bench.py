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

With --profile it prints, instead of the JSON line, the step split into the components of LearnPad's `./learnpad bench
profile` (io.github.learnpad.bench.StepProfile), as Markdown, so that the two can stand side by side:
  /usr/bin/python3 bench/peers/torch_bench.py --model vgg16 --batch 16 --threads 2 --warmup 3 --steps 20 --profile
After the warm-up, --steps timed steps give the median wall step (outside the profiler, so its overhead is not in it);
then --steps more steps run under torch.profiler.profile(activities=[CPU]), each inside record_function("step"), the
optimizer's zero_grad inside record_function("zero_grad") and its step inside record_function("updater"). Every
profiler event counts with its *self* CPU time (its time minus its children's), so nothing is counted twice and the
components add up to the profiled total (the sum of all self times: the profiled steps' time on the training thread;
the intra-op OpenMP threads work inside the op that waits for them). Which component an event goes to
(attribute(), on the event's name and its parents' names up the profiler's parent chain):
  1. inside the "updater" or "zero_grad" range (Adam's elementwise ops, the gradients' zero_/fill_, the Python of
     opt.step itself): updater. This is how the updater is measured: by the ranges' parent chain, in the same
     profiled steps (not in a separately profiled block).
  2. otherwise the op's own name (component(), on the names this torch build's profiler shows for the four models):
     convolution   aten::conv2d, aten::convolution, aten::_convolution, aten::mkldnn_convolution*,
                   aten::convolution_backward, aten::thnn_conv*, aten::slow_conv*, aten::_slow_conv2d_*,
                   ConvolutionBackward* (on this build: aten::mkldnn_convolution forward, aten::convolution_backward
                   backward, which calls oneDNN without a profiled op of its own)
     batch norm    aten::batch_norm, aten::_batch_norm_impl_index, aten::native_batch_norm*, NativeBatchNormBackward*
     pooling       aten::max_pool*, aten::adaptive_avg_pool*, aten::_adaptive_avg_pool*, aten::avg_pool*,
                   MaxPool2DWithIndicesBackward*, AdaptiveAvgPool2DBackward*, AvgPool2DBackward*
     activation    aten::relu, aten::relu_, aten::clamp_min, aten::clamp_min_ (relu_ runs as clamp_min_),
                   aten::threshold*, ReluBackward*
     dense head + loss  aten::linear, aten::addmm, aten::mm, aten::t, aten::matmul, aten::cross_entropy_loss,
                   aten::log_softmax, aten::_log_softmax*, aten::nll_loss*, aten::dropout, aten::bernoulli_,
                   AddmmBackward*, MmBackward*, TBackward*, LogSoftmaxBackward*, NllLossBackward*
  3. an op whose own name gives nothing (aten::fill_, aten::zero_, aten::mean, aten::div_, aten::mul ...) goes to the
     component of the nearest parent op that has one (aten::mean under aten::adaptive_avg_pool2d: pooling; fill_
     under max_pool2d_with_indices_backward: pooling; div_ and mul under aten::dropout: dense head), unless it is
     allocation, a view or a copy (aten::empty*, aten::zeros, aten::as_strided*, aten::view, aten::reshape, aten::copy_,
     aten::to, aten::_to_copy ...), which, like DL4J's allocation/bookkeeping, stays in "other".
  4. other: everything else: allocation, views and copies; the autograd engine (autograd::engine::evaluate_function:
     *, torch::autograd::AccumulateGrad and its add_ into the zeroed gradients); Python between ops (the "step"
     range's self time); ops outside any layer (ResNet's residual aten::add, AddBackward0 ...). The table breaks
     "other" down into these four.
It also prints the 15 (op, component) pairs with the most self time, each with the parent chain that holds most of
its time, so that the mapping can be checked. bench/peers/test_torch_bench.py tests the mapping.
"""
import sys
import argparse
import json
import os
import statistics
import time
from collections import defaultdict

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


UPDATER_RANGES = ("updater", "zero_grad")
STEP_RANGE = "step"
COMPONENTS = ["convolution", "batch norm", "pooling", "activation", "dense head + loss", "updater", "other"]
OTHER_KINDS = ["allocation, views, copies", "autograd engine", "Python between ops", "other ops"]

_CONV = ("conv2d", "convolution", "_convolution", "convolution_backward", "convolution_overrideable",
         "convolution_backward_overrideable")
_CONV_PREFIXES = ("mkldnn_convolution", "thnn_conv", "slow_conv", "_slow_conv2d", "_nnpack_spatial_convolution",
                  "_convolution_")
_BN_PREFIXES = ("batch_norm", "native_batch_norm", "_batch_norm_impl_index", "_native_batch_norm")
_POOL_PREFIXES = ("max_pool", "adaptive_avg_pool", "_adaptive_avg_pool", "avg_pool", "adaptive_max_pool")
_ACTIVATION = ("relu", "relu_", "clamp_min", "clamp_min_", "threshold", "threshold_", "threshold_backward")
_DENSE = ("linear", "addmm", "mm", "t", "matmul", "cross_entropy_loss", "log_softmax", "dropout", "bernoulli_",
          "native_dropout", "native_dropout_backward")
_DENSE_PREFIXES = ("_log_softmax", "nll_loss")
_NODES = [("convolution", ("ConvolutionBackward", "MkldnnConvolutionBackward", "SlowConv2DBackward",
                           "ThnnConv2DBackward")),
          ("batch norm", ("NativeBatchNormBackward", "BatchNormBackward")),
          ("pooling", ("MaxPool2DWithIndicesBackward", "AdaptiveAvgPool2DBackward", "AvgPool2DBackward",
                       "MaxPool2DBackward")),
          ("activation", ("ReluBackward", "ThresholdBackward")),
          ("dense head + loss", ("AddmmBackward", "MmBackward", "TBackward", "LogSoftmaxBackward", "NllLossBackward"))]
_BOOKKEEPING = ("empty", "empty_like", "empty_strided", "zeros", "zeros_like", "ones_like", "as_strided",
                "as_strided_", "view", "reshape", "_reshape_alias", "expand", "transpose", "permute", "flatten",
                "squeeze", "unsqueeze", "select", "slice", "narrow", "detach", "alias", "resize_", "contiguous",
                "clone", "copy_", "to", "_to_copy", "item", "_local_scalar_dense", "resolve_conj", "resolve_neg",
                "set_", "lift_fresh")


def component(op_name):
    """The component of a profiler op by its name alone (COMPONENTS; "other" when the name says nothing)."""
    if op_name in UPDATER_RANGES:
        return "updater"
    if op_name.startswith("aten::"):
        base = op_name[len("aten::"):]
        if base in _CONV or base.startswith(_CONV_PREFIXES):
            return "convolution"
        if base.startswith(_BN_PREFIXES):
            return "batch norm"
        if base.startswith(_POOL_PREFIXES):
            return "pooling"
        if base in _ACTIVATION:
            return "activation"
        if base in _DENSE or base.startswith(_DENSE_PREFIXES):
            return "dense head + loss"
        return "other"
    for comp, prefixes in _NODES:
        if op_name.startswith(prefixes):
            return comp
    return "other"


def is_bookkeeping(op_name):
    """Allocation, views and copies: never given to a parent op's component."""
    return op_name.startswith("aten::") and op_name[len("aten::"):] in _BOOKKEEPING


def attribute(chain):
    """The component of a profiler event from its own name and its parents' (chain[0] the event, chain[1] its parent,
    ...): inside an updater range "updater", else its own name's component, else (not for allocation, views, copies)
    the nearest parent's that has one, else "other"."""
    if any(name in UPDATER_RANGES for name in chain):
        return "updater"
    own = component(chain[0])
    if own != "other" or is_bookkeeping(chain[0]):
        return own
    for name in chain[1:]:
        comp = component(name)
        if comp != "other":
            return comp
    return "other"


def other_kind(chain):
    """Which part of "other" an event that attribute() gives to "other" is (OTHER_KINDS)."""
    if is_bookkeeping(chain[0]):
        return "allocation, views, copies"
    if chain[0] == STEP_RANGE:
        return "Python between ops"
    if any(name.startswith(("autograd::", "torch::autograd::")) for name in chain[:2]):
        return "autograd engine"
    return "other ops"


def profile_table(events, steps):
    """Markdown lines: the components' ms per step and share from profiler events (each with .name,
    .self_cpu_time_total in us and .cpu_parent), the breakdown of "other", the 15 (op, component) pairs with the
    most self time. Returns (lines, profiled total in ms per step)."""
    per = defaultdict(float)
    others = defaultdict(float)
    ops = defaultdict(float)
    under = defaultdict(lambda: defaultdict(float))
    for e in events:
        chain = [e.name]
        parent = e.cpu_parent
        while parent is not None:
            chain.append(parent.name)
            parent = parent.cpu_parent
        t = e.self_cpu_time_total / 1000.0 / steps
        comp = attribute(chain)
        per[comp] += t
        if comp == "other":
            others[other_kind(chain)] += t
        ops[(e.name, comp)] += t
        under[(e.name, comp)][" < ".join(chain[1:3]) or "-"] += t
    total = sum(per.values())
    lines = ["| component | ms per step | share |", "|---|---:|---:|"]
    for comp in COMPONENTS:
        lines.append("| %s | %.1f | %.0f%% |" % (comp, per[comp], 100.0 * per[comp] / total if total else 0.0))
    for kind in OTHER_KINDS:
        lines.append("| &nbsp;&nbsp;other: %s | %.1f | %.0f%% |" % (kind, others[kind],
                                                                    100.0 * others[kind] / total if total else 0.0))
    lines.append("| **profiled total** | **%.1f** | 100%% |" % total)
    lines += ["", "Top 15 ops by self time:", "",
              "| op | ms per step | component | mostly under |", "|---|---:|---|---|"]
    for (name, comp), t in sorted(ops.items(), key=lambda kv: -kv[1])[:15]:
        where = max(under[(name, comp)].items(), key=lambda kv: kv[1])[0]
        lines.append("| %s | %.1f | %s | %s |" % (name, t, comp, where))
    return lines, total


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
    p.add_argument("--profile", action="store_true",
                   help="after the timed steps, --steps steps under torch.profiler: a Markdown table of components")
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
    if a.profile:
        profile(a, net, x, y, opt, loss_fn, med)
        return
    print(json.dumps({"model": a.model, "batch": a.batch, "threads": a.threads, "channels_last": a.channels_last,
                      "torch": torch.__version__, "steps_ms": [round(t, 1) for t in times],
                      "median_ms": round(med, 1), "images_per_s": round(a.batch * 1000 / med, 1)}))


def profile(a, net, x, y, opt, loss_fn, median_ms):
    """--profile: --steps more steps under the profiler, printed as Markdown (see the module's docstring)."""
    from torch.profiler import profile as torch_profile, ProfilerActivity, record_function

    def step():
        t0 = time.perf_counter()
        with record_function(STEP_RANGE):
            with record_function("zero_grad"):
                opt.zero_grad()
            loss = loss_fn(net(x), y)
            loss.backward()
            with record_function("updater"):
                opt.step()
        return (time.perf_counter() - t0) * 1000

    with torch_profile(activities=[ProfilerActivity.CPU]) as prof:
        profiled = [step() for _ in range(a.steps)]
    lines, total = profile_table(prof.events(), a.steps)
    print("## PyTorch %s, %s, batch %d, %d threads%s: %d steps after %d warm-up, OMP_WAIT_POLICY %s" % (
        torch.__version__, a.model, a.batch, a.threads, ", channels last" if a.channels_last else "", a.steps,
        a.warmup, os.environ.get("OMP_WAIT_POLICY", "unset")))
    print()
    print("Median wall step %.1f ms (%d timed steps, outside the profiler); under the profiler: median %.1f ms, "
          "mean %.1f ms; profiled total %.1f ms per step (sum of self CPU times)." % (
              median_ms, a.steps, statistics.median(profiled), statistics.mean(profiled), total))
    print()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
