"""Tests of torch_bench.py's --profile mapping (plain unittest, no torch needed for the mapping tests):
  /usr/bin/python3 -m unittest bench/peers/test_torch_bench.py
  cd bench/peers && /usr/bin/python3 -m unittest test_torch_bench
"""
import os
import sys
import unittest
from types import SimpleNamespace

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import torch  # noqa: F401
    HAVE_TORCH = True
except ImportError:
    HAVE_TORCH = False

if HAVE_TORCH:
    import torch_bench as tb
else:
    tb = None

# Every op name the profiler of torch 1.13 (Debian's build, CPU, oneDNN) showed for smallcnn, study, vgg16 and
# resnet50 (one --profile step each), with the component its own name gives.
OBSERVED = {
    "convolution": ["aten::conv2d", "aten::convolution", "aten::_convolution", "aten::mkldnn_convolution",
                    "aten::convolution_backward", "ConvolutionBackward0"],
    "batch norm": ["aten::batch_norm", "aten::_batch_norm_impl_index", "aten::native_batch_norm",
                   "aten::native_batch_norm_backward", "NativeBatchNormBackward0"],
    "pooling": ["aten::max_pool2d", "aten::max_pool2d_with_indices", "aten::max_pool2d_with_indices_backward",
                "aten::adaptive_avg_pool2d", "MaxPool2DWithIndicesBackward0"],
    "activation": ["aten::relu_", "aten::clamp_min_", "aten::threshold_backward", "ReluBackward0"],
    "dense head + loss": ["aten::linear", "aten::addmm", "aten::mm", "aten::t", "aten::cross_entropy_loss",
                          "aten::log_softmax", "aten::_log_softmax", "aten::_log_softmax_backward_data",
                          "aten::nll_loss", "aten::nll_loss_nd", "aten::nll_loss_forward", "aten::nll_loss_backward",
                          "aten::dropout", "aten::bernoulli_", "AddmmBackward0", "TBackward0", "LogSoftmaxBackward0",
                          "NllLossBackward0"],
    "updater": ["updater", "zero_grad"],
    "other": ["aten::add", "aten::add_", "aten::addcdiv_", "aten::addcmul_", "aten::div", "aten::div_",
              "aten::mul", "aten::mul_", "aten::sqrt", "aten::sum", "aten::mean", "aten::fill_", "aten::zero_",
              "aten::zeros", "aten::empty", "aten::empty_like", "aten::empty_strided", "aten::as_strided",
              "aten::as_strided_", "aten::view", "aten::reshape", "aten::_reshape_alias", "aten::expand",
              "aten::transpose", "aten::flatten", "aten::copy_", "aten::to", "aten::_to_copy", "aten::item",
              "aten::_local_scalar_dense", "aten::resolve_conj", "aten::ones_like", "AddBackward0", "MeanBackward1",
              "MulBackward0", "ReshapeAliasBackward0", "torch::autograd::AccumulateGrad",
              "autograd::engine::evaluate_function: ConvolutionBackward0",
              "autograd::engine::evaluate_function: torch::autograd::AccumulateGrad",
              "Optimizer.step#Adam.step", "Optimizer.zero_grad#Adam.zero_grad", "step"],
}


@unittest.skipUnless(HAVE_TORCH, "torch_bench.py imports torch")
class ComponentTest(unittest.TestCase):
    def test_observed_names(self):
        for comp, names in OBSERVED.items():
            for name in names:
                self.assertEqual(comp, tb.component(name), name)

    def test_other_builds_names(self):
        for name in ["aten::thnn_conv2d", "aten::_slow_conv2d_forward", "aten::_slow_conv2d_backward",
                     "aten::slow_conv_dilated2d", "aten::mkldnn_convolution_backward", "SlowConv2DBackward0"]:
            self.assertEqual("convolution", tb.component(name), name)
        self.assertEqual("batch norm", tb.component("aten::_native_batch_norm_legit"))
        self.assertEqual("pooling", tb.component("aten::_adaptive_avg_pool2d_backward"))
        self.assertEqual("pooling", tb.component("AdaptiveAvgPool2DBackward0"))
        self.assertEqual("activation", tb.component("aten::relu"))

    def test_unknown_names_are_other(self):
        for name in ["", "aten::", "aten::convolutionX", "aten::tanh", "aten::layer_norm", "foo", "conv", "relu",
                     "aten::sigmoid_backward", "autograd::engine::evaluate_function: ReluBackward0"]:
            self.assertEqual("other", tb.component(name), name)

    def test_components_are_listed(self):
        names = [n for ns in OBSERVED.values() for n in ns]
        self.assertEqual(set(OBSERVED), {tb.component(n) for n in names})
        self.assertEqual(set(OBSERVED), set(tb.COMPONENTS))


@unittest.skipUnless(HAVE_TORCH, "torch_bench.py imports torch")
class AttributeTest(unittest.TestCase):
    def test_updater_ranges_win(self):
        self.assertEqual("updater", tb.attribute(["aten::div", "Optimizer.step#Adam.step", "updater", "step"]))
        self.assertEqual("updater", tb.attribute(["aten::fill_", "aten::zero_", "Optimizer.zero_grad#Adam.zero_grad",
                                                  "zero_grad", "step"]))
        self.assertEqual("updater", tb.attribute(["aten::_to_copy", "aten::to", "aten::add_", "updater", "step"]))
        self.assertEqual("updater", tb.attribute(["updater", "step"]))

    def test_own_name(self):
        self.assertEqual("convolution", tb.attribute(["aten::mkldnn_convolution", "aten::_convolution",
                                                      "aten::convolution", "aten::conv2d", "step"]))
        self.assertEqual("activation", tb.attribute(["aten::threshold_backward", "ReluBackward0",
                                                     "autograd::engine::evaluate_function: ReluBackward0", "step"]))

    def test_nearest_parent_with_a_component(self):
        self.assertEqual("pooling", tb.attribute(["aten::fill_", "aten::zero_", "aten::max_pool2d_with_indices_backward",
                                                  "MaxPool2DWithIndicesBackward0", "step"]))
        self.assertEqual("pooling", tb.attribute(["aten::mean", "aten::adaptive_avg_pool2d", "step"]))
        self.assertEqual("dense head + loss", tb.attribute(["aten::div_", "aten::dropout", "step"]))

    def test_bookkeeping_stays_other(self):
        self.assertEqual("other", tb.attribute(["aten::empty", "aten::mkldnn_convolution", "aten::_convolution",
                                                "step"]))
        self.assertEqual("other", tb.attribute(["aten::copy_", "aten::_to_copy", "aten::to", "aten::dropout",
                                                "step"]))

    def test_outside_layers_is_other(self):
        self.assertEqual("other", tb.attribute(["aten::add", "step"]))
        self.assertEqual("other", tb.attribute(["aten::add_", "torch::autograd::AccumulateGrad",
                                                "autograd::engine::evaluate_function: torch::autograd::AccumulateGrad",
                                                "step"]))
        self.assertEqual("other", tb.attribute(["step"]))
        self.assertEqual("other", tb.attribute(["autograd::engine::evaluate_function: ConvolutionBackward0", "step"]))

    def test_other_kinds(self):
        self.assertEqual("allocation, views, copies", tb.other_kind(["aten::empty", "aten::mkldnn_convolution"]))
        self.assertEqual("Python between ops", tb.other_kind(["step"]))
        self.assertEqual("autograd engine", tb.other_kind(["aten::add_", "torch::autograd::AccumulateGrad"]))
        self.assertEqual("autograd engine",
                         tb.other_kind(["autograd::engine::evaluate_function: ConvolutionBackward0", "step"]))
        self.assertEqual("other ops", tb.other_kind(["aten::add", "step"]))


def event(name, self_us, parent=None):
    return SimpleNamespace(name=name, self_cpu_time_total=self_us, cpu_parent=parent)


@unittest.skipUnless(HAVE_TORCH, "torch_bench.py imports torch")
class ProfileTableTest(unittest.TestCase):
    def test_sums_self_times_per_step(self):
        step = event("step", 1000)
        conv = event("aten::conv2d", 10, step)
        mk = event("aten::mkldnn_convolution", 8000, conv)
        empty = event("aten::empty", 600, mk)
        upd = event("updater", 100, step)
        div = event("aten::div", 1900, upd)
        lines, total = tb.profile_table([step, conv, mk, empty, upd, div], steps=2)
        self.assertAlmostEqual(5.805, total)
        rows = {line.split(" | ")[0].lstrip("| "): line for line in lines[:lines.index("")]}
        self.assertIn("| 4.0 |", rows["convolution"])  # (10 + 8000) us / 2
        self.assertIn("| 1.0 |", rows["updater"])  # (100 + 1900) us / 2
        self.assertIn("| 0.8 |", rows["other"])  # (1000 + 600) us / 2
        self.assertIn("| 0.3 |", rows["&nbsp;&nbsp;other: allocation, views, copies"])
        self.assertIn("| 0.5 |", rows["&nbsp;&nbsp;other: Python between ops"])
        top = [line for line in lines if line.startswith("| aten::mkldnn_convolution |")]
        self.assertEqual(["| aten::mkldnn_convolution | 4.0 | convolution | aten::conv2d < step |"], top)


@unittest.skipUnless(HAVE_TORCH, "needs torch")
class RealProfileTest(unittest.TestCase):
    def test_smallcnn_step_has_every_layer_component(self):
        import torch
        import torch.nn as nn
        from torch.profiler import profile, ProfilerActivity, record_function
        torch.manual_seed(1)
        net = tb.small_cnn(1, 10)
        x, y = torch.rand(2, 1, 28, 28), torch.arange(2)
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        with profile(activities=[ProfilerActivity.CPU]) as prof:
            with record_function("step"):
                with record_function("zero_grad"):
                    opt.zero_grad()
                nn.CrossEntropyLoss()(net(x), y).backward()
                with record_function("updater"):
                    opt.step()
        seen = set()
        for e in prof.events():
            chain, p = [e.name], e.cpu_parent
            while p is not None:
                chain.append(p.name)
                p = p.cpu_parent
            seen.add(tb.attribute(chain))
        self.assertEqual(set(tb.COMPONENTS), seen)


if __name__ == "__main__":
    unittest.main()
