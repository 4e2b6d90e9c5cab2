package io.github.learnpad.cli;

import io.github.learnpad.bench.PaddingModuleBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code learnpad bench}: the Padding Module's training step (forward + backward + local loss) and inference forward
 * against DL4J's ZeroPaddingLayer, measured interleaved in the same run; prints medians and ratios.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {PeersCommand.class, StatsBenchCommand.class,
        ProfileCommand.class},
        description = {"Times the Padding Module against DL4J's ZeroPaddingLayer in the same run (medians, ratios).",
                "`bench peers`: whole models, DL4J built-in vs DL4J + oneDNN vs PyTorch. `bench profile`: where a training "
                        + "step's time goes. `bench stats`: the cost of --ui/--stats.",
                "For whole networks per padding mode see io.github.learnpad.bench.ModelPaddingBenchmark (docs/benchmarks.md)."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--shape", split = ",", defaultValue = "32,64,32,32",
            description = "Input shape N,C,H,W. Default: ${DEFAULT-VALUE}.")
    List<Long> shape;

    @Option(names = "--reps", defaultValue = "30", description = "Timed repetitions per layer. Default: ${DEFAULT-VALUE}.")
    int reps;

    @Option(names = "--no-workspaces", description = "Allocate fresh arrays every step instead of running each layer in "
            + "workspaces of its own (as DL4J does in training).")
    boolean noWorkspaces;

    @Option(names = "--conv-layout", description = "Give the input and the upstream gradient the memory layout they "
            + "have between DL4J convolutions ((N, C, H, W) views of (C, N, H, W) arrays) instead of packed NCHW.")
    boolean convLayout;

    @Option(names = "--nhwc", description = "An NHWC network: ZeroPaddingLayer and the Padding Module on (N, H, W, C) "
            + "arrays, and the Padding Module on the same data in NCHW.")
    boolean nhwc;

    @Override
    public Integer call() throws Exception {
        if (shape.size() != 4 || shape.stream().anyMatch(v -> v < 1)) {
            throw new IllegalArgumentException("--shape needs four positive numbers N,C,H,W, got " + shape);
        }
        if (reps < 1) {
            throw new IllegalArgumentException("--reps must be >= 1, got " + reps);
        }
        if (nhwc && convLayout) {
            throw new IllegalArgumentException("--nhwc and --conv-layout exclude each other: choose one layout");
        }
        long[] s = shape.stream().mapToLong(Long::longValue).toArray();
        boolean ws = !noWorkspaces;
        // PaddingModuleBenchmark.run sends SameDiff's "Added differentiated op ..." lines to stderr.
        var results = PaddingModuleBenchmark.run(s, reps, Math.max(3, reps / 6), ws, convLayout, nhwc);
        System.out.println(PaddingModuleBenchmark.report(results, s, reps, ws, convLayout, nhwc));
        return 0;
    }
}
