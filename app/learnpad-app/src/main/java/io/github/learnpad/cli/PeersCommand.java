package io.github.learnpad.cli;

import io.github.learnpad.bench.PeerBenchmark;
import io.github.learnpad.bench.PeerLaunches;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code learnpad bench peers}: training step of SmallCnn, VGG16 and ResNet50 (CIFAR) with DL4J's built-in layers,
 * with its oneDNN helpers and in PyTorch, measured in one run (see {@link PeerBenchmark}, docs/benchmarks.md).
 * With {@code --launches N} it runs itself N times in fresh JVMs and pools the rounds ({@link PeerLaunches}).
 */
@Command(name = "peers", mixinStandardHelpOptions = true,
        description = {"Training step of LearnPad's models: DL4J built-in vs DL4J + oneDNN (interleaved) vs PyTorch "
                + "(bench/peers/torch_bench.py, same architectures, right after), in one run; medians and ratios.",
                "Progress goes to stderr, the Markdown table to stdout."})
final class PeersCommand implements Callable<Integer> {
    @Option(names = "--models", split = ",", defaultValue = "smallcnn,study,vgg16,resnet50",
            description = "Models: smallcnn (batch 64, 1x28x28), study (the study's network: vgg16 at width 1/8, "
                    + "64, 1x32x32; oneDNN only, with zero padding as built and inside the convolutions, replicate, "
                    + "learned and learned-mixing), vgg16 (16, 3x32x32), resnet50 (8, 3x32x32), CIFAR variants, zero "
                    + "padding. Default: ${DEFAULT-VALUE}.")
    List<String> models;

    @Option(names = "--batch", description = "Batch size for every model (default: per model, see --models).")
    Integer batch;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed rounds. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--steps", defaultValue = "12",
            description = "Timed rounds (one step per setup each). Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--no-mixing", description = "Leave learned-mixing out of the study's rows.")
    boolean noMixing;

    @Option(names = "--formats", description = "Also VGG16 with oneDNN in NCHW against NHWC (and PyTorch "
            + "channels-last).")
    boolean formats;

    @Option(names = "--python", description = "Python with PyTorch (default: the first of python3, /usr/bin/python3 "
            + "that can import torch).")
    String python;

    @Option(names = "--no-torch", description = "Leave PyTorch out.")
    boolean noTorch;

    @Option(names = PeerLaunches.LAUNCHES_OPTION, defaultValue = "1", description = "Run the benchmark this many "
            + "times, one after the other, each in a fresh JVM (same JVM options), and pool the rounds: the step of "
            + "the same network differs between launches (docs/benchmarks.md). Prints the tables over all rounds, then "
            + "each launch's ratios as median (min-max). Default: ${DEFAULT-VALUE}.")
    int launches;

    /** Set by the parent of {@code --launches N} for each child: where it writes its raw results. */
    @Option(names = PeerLaunches.RESULTS_OPTION, hidden = true,
            description = "Write this launch's raw per-round results as JSON to this file (for --launches).")
    Path launchResults;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (steps < 1 || warmup < 0 || (batch != null && batch < 1)) {
            throw new IllegalArgumentException("need --steps >= 1, --warmup >= 0, --batch >= 1");
        }
        if (launches < 1) {
            throw new IllegalArgumentException("--launches must be at least 1, not " + launches);
        }
        if (launches > 1 && formats) {
            throw new IllegalArgumentException("--formats is not pooled over launches: give it with --launches 1");
        }
        if (launches > 1) {
            return runLaunches();
        }
        List<PeerBenchmark.Model> ms = new ArrayList<>();
        for (String m : models) {
            ms.add(PeerBenchmark.Model.parse(m));
        }
        String py = null;
        Path script = PeerBenchmark.findScript();
        if (!noTorch) {
            if (!Files.isRegularFile(script)) {
                throw new IllegalArgumentException("PyTorch script not found: " + script.toAbsolutePath()
                        + " (run from LearnPad's directory, or give --no-torch)");
            }
            py = PeerBenchmark.findPython(python);
            if (py == null) {
                System.err.println("learnpad: no Python with PyTorch found (" + (python != null ? python
                        : "python3, /usr/bin/python3") + "): PyTorch left out; on Debian: apt-get install "
                        + "python3-torch");
            }
        }
        String load = loadAverage();
        List<PeerBenchmark.Row> rows = new ArrayList<>();
        PeerBenchmark.StudyResult study = null;
        for (PeerBenchmark.Model m : ms) {
            int b = batch != null ? batch : m.defaultBatch();
            if (m == PeerBenchmark.Model.STUDY) {
                study = PeerBenchmark.runStudy(b, warmup, steps, !noMixing, py, script, System.err);
            } else {
                rows.add(PeerBenchmark.run(m, b, warmup, steps, py, script, System.err));
            }
        }
        if (launchResults != null) {
            PeerLaunches.write(new PeerLaunches.Launch(rows, study), launchResults);
        }
        System.out.printf(Locale.ROOT, "%nTraining step, median of %d rounds after %d warm-up, %d cores, load average "
                + "%s at start, %s at end, %s%n%n", steps, warmup, Runtime.getRuntime().availableProcessors(), load,
                loadAverage(), PeerBenchmark.dl4jEnvironment());
        printTables(rows, study);
        if (formats) {
            int b = batch != null ? batch : PeerBenchmark.Model.VGG16.defaultBatch();
            List<PeerBenchmark.Times> f = PeerBenchmark.formats(b, warmup, steps, py, script, System.err);
            System.out.printf(Locale.ROOT, "%nVGG16 (convolutions padded themselves), batch %d, oneDNN: NCHW %.0f ms, "
                    + "NHWC %.0f ms, NHWC / NCHW %.2fx (same-round median %.2fx)%s%n", b, f.get(0).median(),
                    f.get(1).median(), f.get(1).median() / f.get(0).median(),
                    1 / PeerBenchmark.pairedMedianOf(f.get(0), f.get(1)),
                    f.size() > 2 && f.get(2).measured() ? String.format(Locale.ROOT,
                            "; PyTorch channels-last %.0f ms", f.get(2).median()) : "");
        }
        return 0;
    }

    private static void printTables(List<PeerBenchmark.Row> rows, PeerBenchmark.StudyResult study) {
        if (!rows.isEmpty()) {
            System.out.print(PeerBenchmark.table(rows));
        }
        if (study != null) {
            System.out.println();
            System.out.print(PeerBenchmark.studyTable(study));
        }
    }

    /**
     * {@code --launches N}: this command N times in fresh JVMs, one after the other (a benchmark beside another would
     * measure the contention), each writing its raw results to a temporary file; then the pooled tables and the
     * across-launches table.
     */
    private int runLaunches() throws IOException, InterruptedException {
        String load = loadAverage();
        Path dir = Files.createTempDirectory("learnpad-launches");
        List<PeerLaunches.Launch> results = new ArrayList<>();
        try {
            List<String> args = spec.root().commandLine().getParseResult().originalArgs();
            for (int i = 1; i <= launches; i++) {
                Path file = dir.resolve("launch-" + i + ".json");
                List<String> cmd = PeerLaunches.childCommand(PeerLaunches.currentJava(),
                        ManagementFactory.getRuntimeMXBean().getInputArguments(), System.getProperty("java.class.path"),
                        LearnPadCli.class.getName(), args, file);
                PeerLaunches.runChild(cmd, "launch " + i + "/" + launches + ": ", System.err);
                results.add(PeerLaunches.read(file));
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
        PeerLaunches.Launch pooled = PeerLaunches.pool(results);
        System.out.printf(Locale.ROOT, "%nTraining step, %d launches (fresh JVMs) of %d rounds each after %d warm-up, "
                        + "pooled: median of %d rounds, %d cores, load average %s at start, %s at end, %s%n%n",
                launches, steps, warmup, launches * steps, Runtime.getRuntime().availableProcessors(), load,
                loadAverage(), PeerBenchmark.dl4jEnvironment());
        printTables(pooled.rows(), pooled.study());
        System.out.printf(Locale.ROOT, "%nAcross launches: each launch's own figures, median of the %d launches "
                + "(min-max)%n%n", launches);
        System.out.print(PeerLaunches.acrossTable(results));
        return 0;
    }

    private static String loadAverage() {
        double l = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return l < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", l);
    }
}
