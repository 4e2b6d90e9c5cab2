package io.github.learnpad.cli;

import io.github.learnpad.charts.Charts;
import io.github.learnpad.layers.PaddingVariant;
import io.github.learnpad.training.Comparison;
import io.github.learnpad.training.ComparisonResult;
import io.github.learnpad.train.LearningRateSchedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code learnpad compare}: every padding x seed under one budget, with a results table and charts. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Train the same network with each padding and seed (same data, epochs, batch, learning rate) "
                + "and write results.md, results.json, accuracy.png, curves-*.png, local-loss.png and gallery.png.")
final class CompareCommand implements Callable<Integer> {
    @Mixin
    TrainingOptions options;

    @Mixin
    LiveViewOptions live = new LiveViewOptions();

    @Option(names = "--paddings", split = ",", defaultValue = "zero,learned",
            converter = Converters.PaddingVariantConverter.class,
            description = "Comma-separated paddings: zero, reflect, replicate, circular, learned (the Padding Module, "
                    + "depthwise predictor) or learned-mixing (predictor mixing all channels). Default: ${DEFAULT-VALUE}.")
    List<PaddingVariant> paddings;

    @Option(names = "--baseline", description = "The padding the others are compared with, paired by seed "
            + "(default: zero if compared, else the first of --paddings).")
    String baseline;

    @Option(names = "--seeds", split = ",", defaultValue = "1,2,3",
            description = "Comma-separated seeds, one run per padding and seed. Default: ${DEFAULT-VALUE}.")
    List<Long> seeds;

    @Option(names = "--out", defaultValue = "runs/compare", description = "Output directory. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--resume", description = "Continue interrupted runs in --out; finished runs are reused.")
    boolean resume;

    @Option(names = "--gallery-pad", defaultValue = "6", description = "Padding width in gallery.png (0: no gallery). "
            + "Default: ${DEFAULT-VALUE}.")
    int galleryPad;

    @Option(names = "--shift-eval", split = ",", description = "Also test every run on its test images shifted by "
            + "these pixel amounts toward each border (edge-replicated), e.g. 0,4,8: adds a table, shift-accuracy.png "
            + "and runs/*/shift.json. Default: none.")
    List<Integer> shiftEval = List.of();

    @Override
    public Integer call() throws Exception {
        options.validate();
        live.validate();
        try (LiveViewOptions.LiveView view = live.start(System.out, System.err)) {
            ComparisonResult r = run(options, paddings, baseline, seeds, out, resume, galleryPad, shiftEval,
                    view == null ? null : view.recording);
            System.out.println(r.markdown());
            System.out.println("Charts and tables in " + out);
            if (view != null) {
                view.finished(System.out, out.toString());
            }
        }
        return 0;
    }

    static ComparisonResult run(TrainingOptions options, List<PaddingVariant> paddings, String baseline,
            List<Long> seeds, Path out, boolean resume, int galleryPad, List<Integer> shiftEval) throws Exception {
        return run(options, paddings, baseline, seeds, out, resume, galleryPad, shiftEval, null);
    }

    /** As above, with each run's statistics recorded by {@code stats} (null: none). */
    static ComparisonResult run(TrainingOptions options, List<PaddingVariant> paddings, String baseline,
            List<Long> seeds, Path out, boolean resume, int galleryPad, List<Integer> shiftEval,
            io.github.learnpad.training.RunListeners stats) throws Exception {
        RunData data = RunData.load(options);
        Map<String, Object> budget = options.describe();
        System.err.println(String.format(Locale.ROOT, "learnpad: comparing %s over seeds %s: %s on %d %s images, "
                        + "%d epochs, batch %d, lr %s; testing on %d",
                paddings.stream().map(PaddingVariant::id).toList(), seeds, budget.get("model"),
                data.train.size(), data.train.name(), options.epochs, options.batch, options.lr
                        + (options.lrSchedule == LearningRateSchedule.CONSTANT ? ""
                        : " (" + options.lrSchedule.id() + " to " + options.lr * options.lrEnd + ")"), data.test.size()));
        return Comparison.builder().variants(paddings).baseline(baseline).seeds(seeds)
                .network((p, seed) -> options.network(p, data.train.numClasses(), data.train.channels(),
                        data.train.height(), data.train.width(), seed))
                .batches(data::batches).batchSize(options.batch).train(data.train).test(data.test)
                .epochs(options.epochs).outDir(out).resume(resume).progress(options.progress.on(System.err))
                .reporter(Charts.REPORTER).budget(budget).runListeners(stats)
                .gallery(Math.max(galleryPad, 1), galleryPad > 0 ? 4 : 0, 300).shiftEval(shiftEval).build().run();
    }
}
