package io.github.learnpad.cli;

import io.github.learnpad.charts.Charts;
import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.layers.PaddingVariant;
import io.github.learnpad.parallel.ParallelTraining;
import io.github.learnpad.training.Trainer;
import io.github.learnpad.training.TrainingResult;
import org.deeplearning4j.nn.api.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code learnpad train}: one network, one padding, one seed. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train one network with one padding and write metrics.jsonl, checkpoints/, model.zip, run.json "
                + "and charts (loss.png, accuracy.png, local-loss.png) into --out."})
final class TrainCommand implements Callable<Integer> {
    @Mixin
    TrainingOptions options;

    @Mixin
    LiveViewOptions live;

    @Option(names = "--padding", converter = Converters.PaddingConverter.class,
            description = "zero, reflect, replicate, circular or learned. Default: zero; with --init-from, the saved "
                    + "network's own padding, or convert it to this one first (as 'learnpad convert' does).")
    PaddingMode padding;

    @Option(names = "--init-from", description = "Fine-tune this saved network (model.zip of 'learnpad train' or "
            + "'learnpad convert', or a run directory) instead of a new one, with its updater state. --model, "
            + "--variant and --lr are then the saved network's; --image-size and --channels default to those in the "
            + "run.json next to it.")
    Path initFrom;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of weights, shuffling and dropout. "
            + "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--out", description = "Run directory (default: runs/train-MODEL-PADDING-seedSEED).")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out from its last good checkpoint.")
    boolean resume;

    @Option(names = "--workers", defaultValue = "1", description = "Train with N workers on this machine (DL4J's "
            + "ParallelWrapper; each worker trains a copy of the network on its own minibatches). Default: "
            + "${DEFAULT-VALUE}. Whether it is faster depends on the machine: see docs/benchmarks.md.")
    int workers;

    @Option(names = "--parallel-mode", defaultValue = "averaging", converter = ParallelModeConverter.class,
            description = "With --workers > 1: averaging (parameters and updater state averaged every "
                    + "--averaging-frequency rounds) or shared-gradients. Default: ${DEFAULT-VALUE}.")
    ParallelTraining.Mode parallelMode;

    @Option(names = "--averaging-frequency", defaultValue = "1", description = "With --parallel-mode averaging: "
            + "average after every F rounds of one minibatch per worker. Default: ${DEFAULT-VALUE}.")
    int averagingFrequency;

    /** "averaging" | "shared-gradients". */
    static final class ParallelModeConverter implements picocli.CommandLine.ITypeConverter<ParallelTraining.Mode> {
        @Override
        public ParallelTraining.Mode convert(String value) {
            for (ParallelTraining.Mode m : ParallelTraining.Mode.values()) {
                if (m.id().equalsIgnoreCase(value.trim())) {
                    return m;
                }
            }
            throw new picocli.CommandLine.TypeConversionException("unknown parallel mode '" + value
                    + "'; use averaging or shared-gradients");
        }
    }

    @Override
    public Integer call() throws Exception {
        options.validate();
        TrainingOptions.require(workers >= 1, "--workers must be >= 1, got " + workers);
        TrainingOptions.require(averagingFrequency >= 1, "--averaging-frequency must be >= 1, got "
                + averagingFrequency);
        live.validate();
        TrainingOptions.require(workers == 1 || !live.recording(), "--ui and --stats record one network's "
                + "statistics with DL4J's StatsListener, which the copies trained by --workers " + workers + " cannot "
                + "share; train with --workers 1 to watch it, or leave --ui/--stats out");
        InitFrom init = initFrom != null ? InitFrom.load(initFrom, padding) : null;
        PaddingMode padding = init != null ? init.padding : this.padding != null ? this.padding : PaddingMode.ZERO;
        if (init != null) {
            init.applyDefaults(options);
        }
        String model = init != null ? "finetune" : String.valueOf(options.describe().get("model"));
        Path dir = out != null ? out : Path.of("runs", "train-" + model + "-" + padding.id() + "-seed" + seed);
        RunData data = init != null ? RunData.loadAsIs(options) : RunData.load(options);
        Model net;
        if (init != null) {
            init.check(data.train);
            net = init.net;
        } else {
            net = data.network(PaddingVariant.of(padding), seed);
        }
        Map<String, Object> info = new LinkedHashMap<>(data.describe());
        if (init != null) {
            info.put("model", model);
            info.remove("variant");
            info.remove("lr");
            info.put("initFrom", init.zip.toAbsolutePath().toString());
            info.put("converted", init.converted);
        }
        info.put("padding", padding.id());
        info.put("seed", seed);
        info.put("epochs", options.epochs);
        info.put("batch", options.batch);
        info.put("trainImages", data.train.size());
        info.put("testImages", data.test.size());
        info.put("inputShape", new int[]{data.train.channels(), data.train.height(), data.train.width()});
        info.put("classes", data.train.classNames());
        info.put("parameters", net.numParams());
        ParallelTraining parallel = null;
        if (workers > 1) {
            parallel = ParallelTraining.builder().workers(workers).mode(parallelMode)
                    .averagingFrequency(averagingFrequency).seed(seed).build();
            info.put("workers", workers);
            info.put("parallelMode", parallelMode.id());
            if (parallelMode == ParallelTraining.Mode.AVERAGING) {
                info.put("averagingFrequency", averagingFrequency);
            }
        }
        info.put("name", info.get("model") + " " + padding.id() + " seed " + seed);
        System.err.println(String.format(Locale.ROOT, "learnpad: training %s with %s padding (%,d parameters) on %d "
                        + "%s images for %d epochs; testing on %d", info.get("model"), padding.id(), net.numParams(),
                data.train.size(), data.train.name(), options.epochs, data.test.size()));
        try (LiveViewOptions.LiveView view = live.start(System.out, System.err)) {
            TrainingResult r = Trainer.builder().batches(data.batches(seed)).batchesPerEpoch(data.batchesPerEpoch())
                    .test(data.test).epochs(options.epochs).seed(seed).outDir(dir).resume(resume)
                    .progress(options.progress.on(System.err)).reporter(Charts.REPORTER).runInfo(info)
                    .fitter(parallel).runListeners(view == null ? null : view.recording).build().train(net);
            System.out.println(String.format(Locale.ROOT, "final test accuracy %.4f, test loss %.4f after %d epochs "
                            + "(%.1f s of training); results in %s", r.last().testAccuracy(), r.last().testLoss(),
                    r.metrics().size(), r.trainSeconds(), dir));
            if (view != null) {
                view.finished(System.out, dir.toString());
            }
        }
        return 0;
    }
}
