package io.github.learnpad.cli;

import io.github.learnpad.bench.StatsOverheadBenchmark;
import io.github.learnpad.models.Architecture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code learnpad bench stats}: the cost of --ui/--stats per training step, per reporting frequency. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Times training steps with and without DL4J's StatsListener (what --ui and --stats record), "
                + "interleaved in the same run, at each --every reporting frequency; prints medians and ratios.")
final class StatsBenchCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "small", converter = Converters.ModelConverter.class,
            description = "small (28x28) or vgg16 (width 1/8, 32x32: the study's network). Default: ${DEFAULT-VALUE}.")
    Architecture model;

    @Option(names = "--batch", defaultValue = "64", description = "Minibatch size. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--every", split = ",", defaultValue = "1,10,50",
            description = "Reporting frequencies to measure. Default: ${DEFAULT-VALUE}.")
    List<Integer> every;

    @Option(names = "--rounds", defaultValue = "9",
            description = "Timed rounds per frequency. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Override
    public Integer call() throws Exception {
        TrainingOptions.require(model != Architecture.RESNET50, "bench stats measures small or vgg16");
        TrainingOptions.require(batch >= 1 && rounds >= 1 && every.stream().allMatch(f -> f >= 1),
                "--batch, --rounds and --every must be >= 1");
        double before = StatsOverheadBenchmark.loadAverage();
        var results = StatsOverheadBenchmark.run(model, batch, every.stream().mapToInt(Integer::intValue).toArray(),
                rounds);
        System.out.println(StatsOverheadBenchmark.report(results, model, batch, rounds, before,
                StatsOverheadBenchmark.loadAverage()));
        return 0;
    }
}
