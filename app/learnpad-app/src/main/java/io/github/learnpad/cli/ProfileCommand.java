package io.github.learnpad.cli;

import io.github.learnpad.bench.PeerBenchmark;
import io.github.learnpad.bench.StepProfile;
import io.github.learnpad.layers.PaddingVariant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code learnpad bench profile}: where a training step's time goes, per component, from Java Flight Recorder
 * samples ({@link StepProfile}, docs/benchmarks.md).
 */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = {"Where a training step's time goes: records Java Flight Recorder samples of training steps of a "
                + "model (fit on one fixed random batch) and prints the share of each component (convolution, batch "
                + "norm, pooling, padding, activation, dense head, updater, allocation/bookkeeping, data, "
                + "evaluation, other).",
                "--jfr summarises an existing recording instead, e.g. of a whole training run: JAVA_OPTS="
                        + "\"-XX:StartFlightRecording=filename=run.jfr,settings=profile\" ./learnpad train ...; "
                        + "./learnpad bench profile --jfr run.jfr"})
final class ProfileCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "study",
            description = "smallcnn, study, vgg16 or resnet50 (as in 'bench peers'). Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--padding", defaultValue = "learned",
            description = "Padding: zero, replicate, reflect, circular, learned, learned-mixing. Several, comma-"
                    + "separated (e.g. replicate,learned): one step of each per round in one run, and one table "
                    + "with each padding's milliseconds per component and its difference from the first. "
                    + "Default: ${DEFAULT-VALUE}.")
    String padding;

    @Option(names = "--batch", description = "Batch size (default: the model's, as in 'bench peers').")
    Integer batch;

    @Option(names = "--warmup", defaultValue = "20", description = "Unrecorded steps first. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--steps", defaultValue = "100", description = "Recorded steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--period", defaultValue = "10",
            description = "Sampling period in ms (JFR's execution and native samples). Default: ${DEFAULT-VALUE}.")
    int period;

    @Option(names = "--out", description = "Where the recording goes (default: a temporary file, deleted after).")
    Path out;

    @Option(names = "--jfr", description = "Summarise this recording instead of making one.")
    Path jfr;

    @Option(names = "--thread", description = "With --jfr: the training thread's name (default: main).")
    String thread;

    @Override
    public Integer call() throws Exception {
        if (jfr != null) {
            if (!Files.isRegularFile(jfr)) {
                throw new IllegalArgumentException("--jfr " + jfr + ": no such file");
            }
            StepProfile.Summary s = StepProfile.summarise(jfr, thread);
            System.out.print(StepProfile.table(s, Double.NaN));
            System.out.println();
            System.out.println("Innermost frames of the training thread's samples (top 25):");
            System.out.print(StepProfile.topFrames(s, 25));
            return 0;
        }
        if (steps < 1 || warmup < 0 || period < 1 || (batch != null && batch < 1)) {
            throw new IllegalArgumentException("need --steps >= 1, --warmup >= 0, --period >= 1, --batch >= 1");
        }
        PeerBenchmark.Model m = PeerBenchmark.Model.parse(model);
        List<PaddingVariant> ps = new ArrayList<>();
        for (String id : padding.split(",")) {
            PaddingVariant p = PaddingVariant.parse(id.trim());
            if (ps.stream().anyMatch(q -> q.id().equals(p.id()))) {
                throw new IllegalArgumentException("--padding " + padding + ": " + p.id() + " is named twice");
            }
            ps.add(p);
        }
        Path file = out != null ? out : Files.createTempFile("learnpad-profile", ".jfr");
        try {
            int b = batch != null ? batch : m.defaultBatch();
            if (ps.size() == 1) {
                StepProfile.profileModel(m, ps.get(0), b, warmup, steps, period, file, System.out);
            } else {
                StepProfile.profileModels(m, ps, b, warmup, steps, period, file, System.out);
            }
        } finally {
            if (out == null) {
                Files.deleteIfExists(file);
            }
        }
        return 0;
    }
}
