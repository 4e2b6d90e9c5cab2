package io.github.learnpad.cli;

import io.github.learnpad.charts.Charts;
import io.github.learnpad.layers.PaddingVariant;
import io.github.learnpad.training.Comparison;
import io.github.learnpad.training.ComparisonResult;
import io.github.learnpad.training.PrimaryComparison;
import io.github.learnpad.training.Provenance;
import io.github.learnpad.training.RunRecords;
import io.github.learnpad.training.TrainingFingerprint;
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
                + "and write results.md, results.json, accuracy.png, curves-*.png, local-loss.png and gallery.png. "
                + "With --results DIR each finished run is also kept as a small JSON record in DIR/runs (commit it); "
                + "runs recorded there are skipped, and --from DIR rebuilds the report from those records alone.")
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

    @Option(names = "--baseline", split = ",", description = "The padding(s) the others are compared with, paired by "
            + "seed, e.g. zero,replicate: one column group per baseline (default: zero if compared, else the first of "
            + "--paddings).")
    List<String> baselines;

    @Option(names = "--primary", split = ",", converter = PrimaryConverter.class,
            description = "The comparisons named before the runs, corrected together for multiplicity (Holm): "
                    + "PADDING:BASELINE@SHIFT[/FILL], e.g. learned:zero@0,learned-mixing:replicate@8. Shift 0 is the "
                    + "final test accuracy; a shift > 0 needs it in --shift-eval, and uses the dataset's own "
                    + "continuation (black, continued-background) when it has one, else the replicate fill. "
                    + "Default: none.")
    List<PrimaryComparison> primaries = List.of();

    @Option(names = "--seeds", split = ",", defaultValue = "1,2,3",
            description = "Comma-separated seeds, one run per padding and seed. Default: ${DEFAULT-VALUE}.")
    List<Long> seeds;

    @Option(names = "--out", description = "Output directory (default: runs/compare; with --from, the records' "
            + "directory).")
    Path out;

    @Option(names = "--resume", description = "Continue interrupted runs in --out; finished runs are reused.")
    boolean resume;

    @Option(names = "--results", description = "Keep each finished run's results (metrics per epoch, shift "
            + "evaluation with per-image correctness, commit, CPU, JVM, training-code fingerprint) as "
            + "DIR/runs/PADDING-seedS.json, written once; runs already recorded there are skipped. Refuses records "
            + "of other options or other training code.")
    Path results;

    @Option(names = "--allow-mixed-fingerprints", description = "With --results: accept records made by other "
            + "training code (each run still records its own fingerprint; the report lists them).")
    boolean allowMixedFingerprints;

    @Option(names = "--from", description = "Rebuild the report from the run records in DIR (see --results) alone: "
            + "no data, no training. Takes --baseline, --primary, --paddings (their order) and --out.")
    Path from;

    @Option(names = "--gallery-pad", defaultValue = "6", description = "Padding width in gallery.png (0: no gallery). "
            + "Default: ${DEFAULT-VALUE}.")
    int galleryPad;

    @Option(names = "--shift-eval", split = ",", description = "Also test every run on its test images shifted by "
            + "these pixel amounts toward each border, e.g. 0,4,8: adds a table, shift-accuracy.png and "
            + "runs/*/shift.json. The fill is the image's own edge (replicate) and, for datasets that continue their "
            + "images (fashion-mnist: black; fashion-on-photos: the photograph), that continuation too. Default: none.")
    List<Integer> shiftEval = List.of();

    @Override
    public Integer call() throws Exception {
        if (from != null) {
            ComparisonResult r = report(from, paddings, baselines, primaries, out != null ? out : from);
            System.out.println(r.markdown());
            System.out.println("Report rebuilt from " + from.resolve("runs") + " in " + (out != null ? out : from));
            return 0;
        }
        options.validate();
        live.validate();
        try (LiveViewOptions.LiveView view = live.start(System.out, System.err)) {
            ComparisonResult r = compare(view == null ? null : view.recording);
            System.out.println(r.markdown());
            System.out.println("Charts and tables in " + outDir());
            if (view != null) {
                view.finished(System.out, outDir().toString());
            }
        }
        return 0;
    }

    /** {@code --out}, else runs/compare. */
    Path outDir() {
        return out != null ? out : Path.of("runs/compare");
    }

    /** The report of the records in {@code dir}: results.md, results.json and charts written to {@code to}. */
    static ComparisonResult report(Path dir, List<PaddingVariant> order, List<String> baselines,
            List<PrimaryComparison> primaries, Path to) throws Exception {
        RunRecords records = new RunRecords(dir);
        List<io.github.learnpad.training.RunRecord> all = records.all();
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no run records in " + dir.resolve("runs") + " (made by compare or "
                    + "study with --results " + dir + ")");
        }
        List<String> ids = order.stream().map(PaddingVariant::id).toList();
        List<String> bases = baselines != null && !baselines.isEmpty() ? baselines
                : List.of(all.stream().anyMatch(r -> r.padding().equals("zero")) ? "zero" : all.get(0).padding());
        ComparisonResult r = ComparisonResult.fromRecords(all, ids, bases, primaries);
        r.write(to);
        Charts.REPORTER.comparisonFinished(r, to);
        return r;
    }

    /**
     * Runs the comparison a spec describes (its options as {@code compare} would have them, not validated again:
     * for callers that built the options themselves), without live statistics.
     */
    static ComparisonResult run(ComparisonSpec spec) throws Exception {
        return spec.toCommand().compare(null);
    }

    /**
     * Trains every padding x seed of these options and writes the report; each finished run is recorded in
     * {@code --results} (if given), and each run's statistics recorded by {@code stats} (null: none).
     */
    ComparisonResult compare(io.github.learnpad.training.RunListeners stats) throws Exception {
        Path dir = outDir();
        RunData data = RunData.load(options);
        Map<String, Object> budget = data.describe();
        if (!data.train.sources().isEmpty()) {
            // The checksums identify the data, not where this machine keeps it: records made from another copy of
            // the same files stay comparable, records of other files do not.
            budget.put("dataset", io.github.learnpad.data.DatasetSpec.parse(options.data.dataset).name());
            budget.put("datasetSources", data.train.sources());
        }
        System.err.println(String.format(Locale.ROOT, "learnpad: comparing %s over seeds %s: %s on %d %s images, "
                        + "%d epochs, batch %d, lr %s; testing on %d",
                paddings.stream().map(PaddingVariant::id).toList(), seeds, budget.get("model"),
                data.train.size(), data.train.name(), options.epochs, options.batch, options.lr
                        + (options.lrSchedule == LearningRateSchedule.CONSTANT ? ""
                        : " (" + options.lrSchedule.id() + " to " + options.lr * options.lrEnd + ")"), data.test.size()));
        Comparison.NetworkFactory network = data::network;
        Comparison.Builder b = Comparison.builder().variants(paddings).baselines(baselines).seeds(seeds)
                .network(network).batches(data::batches).batchSize(options.batch).train(data.train).test(data.test)
                .epochs(options.epochs).outDir(dir).resume(resume).progress(options.progress.on(System.err))
                .reporter(Charts.REPORTER).budget(budget).primaries(primaries).runListeners(stats)
                .gallery(Math.max(galleryPad, 1), galleryPad > 0 ? 4 : 0, 300).shiftEval(shiftEval);
        if (results != null) {
            Path root = TrainingFingerprint.sourceRoot();
            long t0 = System.nanoTime();
            TrainingFingerprint fp = TrainingFingerprint.compute(root, network, TrainingFingerprint.PROBE_PADDINGS,
                    data.train.numClasses(),
                    data.train.channels(), data.train.height(), data.train.width());
            System.err.println(String.format(Locale.ROOT, "learnpad: training code fingerprint %s (%d source files; "
                    + "probe run %.1f s)", fp.shortForm(), fp.sourceFiles(), (System.nanoTime() - t0) / 1e9));
            b.records(new RunRecords(results), fp, Provenance.current(root), allowMixedFingerprints);
        }
        ComparisonResult r = b.build().run();
        if (results != null) {
            r.write(results); // the report next to the records it was built from (rebuilt by --from)
        }
        return r;
    }

    static final class PrimaryConverter implements picocli.CommandLine.ITypeConverter<PrimaryComparison> {
        @Override
        public PrimaryComparison convert(String v) {
            return PrimaryComparison.parse(v);
        }
    }
}
