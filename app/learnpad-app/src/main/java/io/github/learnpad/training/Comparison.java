package io.github.learnpad.training;

import io.github.learnpad.data.ImageDataset;
import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.layers.PaddingVariant;
import io.github.learnpad.robustness.ShiftReport;
import io.github.learnpad.robustness.ShiftRobustness;
import org.deeplearning4j.nn.api.Model;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Trains the same network with each padding and each seed under the same budget (data, epochs, batches, learning
 * rate), and writes the comparison:
 * <pre>
 * out/runs/PADDING-seedS/     one {@link Trainer} run directory per padding x seed, with run.json (budget,
 *                             padding, seed, input shape)
 * out/results.md, results.json  mean ± std of final test accuracy, test loss, training time; parameter counts;
 *                             per padding, the paired difference to the baseline over seeds (see {@link ComparisonResult})
 * out/gallery.png             test images padded by each mode with a wide margin (see {@link PaddingGallery})
 * out/shift-accuracy.png      with {@code shiftEval(...)}: test accuracy vs border shift per padding (drawn by the
 *                             command line's {@link RunReporter})
 * out/runs/PADDING-seedS/shift.json   that run's {@link ShiftReport} (per shift and direction); with a dataset that
 *                             continues its own images ({@link ImageDataset#naturalShift()}) also shift-FILL.json
 * RECORDS/runs/PADDING-seedS.json     with {@code records(...)}: the run's {@link RunRecord}, written once when the
 *                             run is finished; a recorded run is not run again but read back
 * </pre>
 * A {@link RunReporter} may add files (the command line's charts) to each run directory and to {@code out}.
 *
 * <p>Pairing: the runs of one seed differ only in the padding. Each run's training batches come from
 * {@code batches(seed)}, whose order and augmentation depend only on the seed and the epoch; the network factory gets
 * the same seed, so layers that every padding has (convolutions, batch norm, output) start from the same weights
 * when the factory seeds the network's initialisation with it (SmallCnn, Vgg16 and ResNet50 do; tested in
 * {@code PairingTest}); and ND4J's generator is reseeded per epoch from the seed. So the per-seed difference between
 * two paddings is a paired measurement, and the report's statistics treat it as one.
 */
public final class Comparison {
    /** Makes the untrained network for a padding and seed. */
    @FunctionalInterface
    public interface NetworkFactory {
        Model create(PaddingVariant padding, long seed);
    }

    /** Makes the per-epoch training batches for a seed. */
    @FunctionalInterface
    public interface BatchesFactory {
        EpochBatches create(long seed);
    }

    private final List<PaddingVariant> paddings;
    private final String baseline;
    private final List<Long> seeds;
    private final NetworkFactory network;
    private final BatchesFactory batches;
    private final long batchesPerEpoch;
    private final ImageDataset train;
    private final ImageDataset test;
    private final int epochs;
    private final Path outDir;
    private final boolean resume;
    private final TrainingProgress progress;
    private final PrintStream log;
    private final RunReporter reporter;
    private final RunListeners runListeners;
    private final Map<String, Object> budget;
    private final int galleryPad;
    private final int galleryImages;
    private final int gallerySteps;
    private final List<Integer> shiftEval;
    private final List<String> baselines;
    private final List<PrimaryComparison> primaries;
    private final RunRecords records;
    private final TrainingFingerprint fingerprint;
    private final Map<String, Object> provenance;
    private final boolean allowMixedFingerprints;

    private Comparison(Builder b) {
        this.paddings = List.copyOf(b.paddings);
        this.seeds = List.copyOf(b.seeds);
        if (paddings.isEmpty() || seeds.isEmpty()) {
            throw new IllegalArgumentException("a comparison needs at least one padding and one seed");
        }
        if (paddings.stream().distinct().count() != paddings.size() || seeds.stream().distinct().count() != seeds.size()) {
            throw new IllegalArgumentException("paddings and seeds must not repeat: " + paddings + ", " + seeds);
        }
        List<String> ids = paddings.stream().map(PaddingVariant::id).toList();
        this.baselines = b.baselines != null && !b.baselines.isEmpty() ? List.copyOf(b.baselines)
                : List.of(ids.contains(PaddingMode.ZERO.id()) ? PaddingMode.ZERO.id() : ids.get(0));
        this.baseline = baselines.get(0);
        for (String base : baselines) {
            if (!ids.contains(base)) {
                throw new IllegalArgumentException("the baseline padding '" + base + "' is not among the compared "
                        + "paddings " + ids + "; add it to the paddings or choose the baseline among them");
            }
        }
        if (baselines.stream().distinct().count() != baselines.size()) {
            throw new IllegalArgumentException("baselines must not repeat: " + baselines);
        }
        this.primaries = List.copyOf(b.primaries);
        for (PrimaryComparison c : primaries) {
            if (!ids.contains(c.padding()) || !ids.contains(c.baseline())) {
                throw new IllegalArgumentException("primary comparison " + c + " names a padding that is not "
                        + "compared; paddings: " + ids);
            }
            if (c.shift() > 0 && !b.shiftEval.contains(c.shift())) {
                throw new IllegalArgumentException("primary comparison " + c + " needs shift " + c.shift()
                        + " in the shift evaluation; shifts: " + b.shiftEval);
            }
        }
        this.records = b.records;
        this.fingerprint = b.fingerprint;
        this.provenance = b.provenance;
        this.allowMixedFingerprints = b.allowMixedFingerprints;
        if (records != null && fingerprint == null) {
            throw new IllegalArgumentException("Comparison: records(...) needs the training code's fingerprint");
        }
        this.network = Objects.requireNonNull(b.network, "Comparison: network(...) must be set");
        this.train = Objects.requireNonNull(b.train, "Comparison: train(...) must be set");
        this.test = Objects.requireNonNull(b.test, "Comparison: test(...) must be set");
        int bs = b.batchSize;
        this.batches = b.batches != null ? b.batches : seed -> ImageBatchEpochs.training(train, bs, seed, false);
        this.batchesPerEpoch = (train.size() + bs - 1) / bs;
        this.epochs = b.epochs;
        this.outDir = Objects.requireNonNull(b.outDir, "Comparison: outDir(...) must be set");
        this.resume = b.resume;
        this.log = Objects.requireNonNull(b.log, "Comparison: log(...) must not be null");
        this.progress = b.progress != null ? b.progress : TrainingProgress.lines(log);
        this.reporter = Objects.requireNonNull(b.reporter, "Comparison: reporter(...) must not be null");
        this.runListeners = b.runListeners;
        this.budget = new LinkedHashMap<>(b.budget);
        this.budget.put("epochs", epochs);
        this.budget.put("batchSize", bs);
        this.budget.put("trainImages", train.size());
        this.budget.put("testImages", test.size());
        this.budget.putIfAbsent("dataset", train.name());
        this.budget.put("baseline", String.join(",", baselines));
        this.galleryPad = b.galleryPad;
        this.galleryImages = b.galleryImages;
        this.gallerySteps = b.gallerySteps;
        this.shiftEval = List.copyOf(b.shiftEval);
        if (!shiftEval.isEmpty()) {
            ShiftRobustness.checkShifts(shiftEval, test.height(), test.width());
            this.budget.put("shiftEval", shiftEval);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Runs every padding x seed (seeds outer, so an early stop still leaves every padding with some runs). */
    public ComparisonResult run() throws IOException {
        Map<PaddingVariant, List<TrainingResult>> results = new LinkedHashMap<>();
        paddings.forEach(p -> results.put(p, new ArrayList<>()));
        Map<String, Map<String, List<ShiftReport>>> shifts = new LinkedHashMap<>();
        Map<String, Object> runBudget = new LinkedHashMap<>(budget);
        runBudget.remove("baseline"); // how the report is read, not how the runs were made
        if (records != null) {
            records.checkCompatible(runBudget, fingerprint, allowMixedFingerprints, log);
        }
        int k = 0;
        for (long seed : seeds) {
            for (PaddingVariant p : paddings) {
                k++;
                String what = String.format(Locale.ROOT, "run %d/%d: padding %s, seed %d", k,
                        paddings.size() * seeds.size(), p.id(), seed);
                Optional<RunRecord> recorded = records == null ? Optional.empty() : records.find(p.id(), seed);
                if (recorded.isPresent()) {
                    // Committed results are final: the run is not repeated, its record is read back.
                    progress.message(what + ": recorded in " + records.file(p.id(), seed) + ", skipped");
                    results.get(p).add(recorded.get().result());
                    for (ShiftReport sr : recorded.get().shifts()) {
                        shifts.computeIfAbsent(sr.fill(), f -> new LinkedHashMap<>())
                                .computeIfAbsent(p.id(), id -> new ArrayList<>()).add(sr);
                    }
                    continue;
                }
                progress.message(what);
                Map<String, Object> info = new LinkedHashMap<>(budget);
                info.put("padding", p.id());
                info.put("seed", seed);
                // What eval and robustness need to load a run's model.zip with the right image size and channels
                // (the Trainer writes it into the run's run.json).
                info.put("inputShape", new int[]{train.channels(), train.height(), train.width()});
                Trainer t = Trainer.builder().batches(batches.create(seed)).batchesPerEpoch(batchesPerEpoch)
                        .test(test).epochs(epochs).seed(seed).outDir(runDir(p, seed)).resume(resume)
                        .progress(progress).log(log).reporter(reporter).runInfo(info).runListeners(runListeners)
                        .build();
                TrainingResult trained = t.train(network.create(p, seed));
                results.get(p).add(trained);
                List<ShiftReport> runShifts = new ArrayList<>();
                if (!shiftEval.isEmpty()) {
                    ShiftReport sr = ShiftRobustness.evaluate(trained.net(), test, shiftEval, 256);
                    AtomicFiles.writeString(runDir(p, seed).resolve("shift.json"), Json.pretty(sr.toMap()));
                    runShifts.add(sr);
                    if (test.naturalShift().isPresent()) {
                        ShiftReport nat = ShiftRobustness.evaluateNatural(trained.net(), test, shiftEval, 256);
                        AtomicFiles.writeString(runDir(p, seed).resolve("shift-" + nat.fill() + ".json"),
                                Json.pretty(nat.toMap()));
                        runShifts.add(nat);
                    }
                }
                for (ShiftReport sr : runShifts) {
                    shifts.computeIfAbsent(sr.fill(), f -> new LinkedHashMap<>())
                            .computeIfAbsent(p.id(), id -> new ArrayList<>()).add(sr);
                }
                if (records != null) {
                    RunRecord rec = new RunRecord(p.id(), seed, runBudget, fingerprint, provenance,
                            java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(),
                            trained.resumedFromEpoch(), trained, runShifts);
                    Path f = records.write(rec);
                    progress.message(what + ": recorded in " + f + (rec.diverged() ? " (DIVERGED: kept and reported)"
                            : ""));
                }
            }
        }
        List<PaddingSummary> summaries = new ArrayList<>();
        results.forEach((p, runs) -> summaries.add(new PaddingSummary(p, seeds, runs)));
        ComparisonResult r = new ComparisonResult(summaries, budget, baselines, shifts, primaries, List.of());
        r.write(outDir);
        if (galleryImages > 0) {
            // The gallery shows the plain modes; named Padding Module variants would need their own standalone fit.
            List<PaddingMode> modes = paddings.stream().filter(PaddingVariant::isPlainMode).map(PaddingVariant::mode)
                    .toList();
            PaddingGallery.write(train, test, modes, galleryPad, galleryImages, gallerySteps, seeds.get(0),
                    outDir.resolve("gallery.png"));
        }
        reporter.comparisonFinished(r, outDir);
        return r;
    }

    /** The run directory of one padding and seed. */
    public Path runDir(PaddingVariant p, long seed) {
        return outDir.resolve("runs").resolve(p.id() + "-seed" + seed);
    }

    /** Builder for {@link Comparison}. */
    public static final class Builder {
        private List<PaddingVariant> paddings = List.of(PaddingVariant.of(PaddingMode.ZERO), PaddingVariant.LEARNED);
        private List<Long> seeds = List.of(1L);
        private NetworkFactory network;
        private BatchesFactory batches;
        private int batchSize = 64;
        private ImageDataset train;
        private ImageDataset test;
        private int epochs = 1;
        private Path outDir;
        private boolean resume;
        private TrainingProgress progress;
        private PrintStream log = System.err;
        private RunReporter reporter = RunReporter.NONE;
        private RunListeners runListeners;
        private final Map<String, Object> budget = new LinkedHashMap<>();
        private int galleryPad = 6;
        private int galleryImages = 4;
        private int gallerySteps = 300;
        private List<Integer> shiftEval = List.of();
        private List<String> baselines;
        private List<PrimaryComparison> primaries = List.of();
        private RunRecords records;
        private TrainingFingerprint fingerprint;
        private Map<String, Object> provenance = Map.of();
        private boolean allowMixedFingerprints;

        /** The fixed modes and/or default Padding Module to compare (default zero, learned). */
        public Builder paddings(List<PaddingMode> p) {
            this.paddings = p.stream().map(PaddingVariant::of).toList();
            return this;
        }
        /** Named paddings to compare, e.g. zero, reflect, {@link PaddingVariant#LEARNED_MIXING}. */
        public Builder variants(List<PaddingVariant> v) { this.paddings = List.copyOf(v); return this; }
        /**
         * The padding (by id) every other is compared with, paired by seed; default "zero" when it is compared, else
         * the first padding.
         */
        public Builder baseline(String id) { this.baselines = id == null ? null : List.of(id); return this; }
        /**
         * Several baselines (by id): the report gives every padding's paired difference to each. The first is the
         * one {@link ComparisonResult#baseline()} and the charts use.
         */
        public Builder baselines(List<String> ids) { this.baselines = ids == null ? null : List.copyOf(ids); return this; }
        /** The comparisons named before the runs, corrected together for multiplicity (Holm) in the report. */
        public Builder primaries(List<PrimaryComparison> c) { this.primaries = List.copyOf(c); return this; }
        /**
         * Keep each finished run's {@link RunRecord} in {@code records} (write once) and skip the runs already
         * recorded there; refuse records of other options or, unless {@code allowMixed}, other training code.
         *
         * @param provenance the commit, CPU and JVM to record with each new run ({@link Provenance#current})
         */
        public Builder records(RunRecords records, TrainingFingerprint fingerprint, Map<String, Object> provenance,
                boolean allowMixed) {
            this.records = records;
            this.fingerprint = fingerprint;
            this.provenance = new LinkedHashMap<>(provenance);
            this.allowMixedFingerprints = allowMixed;
            return this;
        }
        public Builder seeds(List<Long> s) { this.seeds = s; return this; }
        /** The untrained network per padding and seed; every padding must get the same architecture otherwise. */
        public Builder network(NetworkFactory f) { this.network = f; return this; }
        /** Training batches per seed (default: shuffled {@link ImageBatchEpochs} of {@link #batchSize}, no augmentation). */
        public Builder batches(BatchesFactory f) { this.batches = f; return this; }
        public Builder batchSize(int n) { this.batchSize = n; return this; }
        public Builder train(ImageDataset d) { this.train = d; return this; }
        public Builder test(ImageDataset d) { this.test = d; return this; }
        public Builder epochs(int e) { this.epochs = e; return this; }
        public Builder outDir(Path d) { this.outDir = d; return this; }
        /** Continue interrupted runs from their checkpoints; finished runs are reused. */
        public Builder resume(boolean r) { this.resume = r; return this; }
        /** How progress is shown (default: {@link TrainingProgress#lines} on the {@link #log log}). */
        public Builder progress(TrainingProgress p) { this.progress = p; return this; }
        /** Where warnings about damaged checkpoints, and by default progress, go (default stderr). */
        public Builder log(PrintStream s) { this.log = s; return this; }
        /** Adds files to each run directory and to the comparison's directory at the end (default: none). */
        public Builder reporter(RunReporter r) { this.reporter = r; return this; }

        /** Extra listeners for each run (default: none); see {@link Trainer.Builder#runListeners}. */
        public Builder runListeners(RunListeners l) { this.runListeners = l; return this; }
        /** Extra budget entries for the report (model, learning rate, ...). */
        public Builder budget(Map<String, ?> b) { this.budget.putAll(b); return this; }
        /** Gallery: padding width (default 6), number of images (default 4; 0 = no gallery), local steps (300). */
        public Builder gallery(int pad, int images, int learnedSteps) {
            this.galleryPad = pad;
            this.galleryImages = images;
            this.gallerySteps = learnedSteps;
            return this;
        }
        /**
         * Also evaluate every trained run on its test set shifted by these pixel amounts toward each border
         * ({@link ShiftRobustness}); empty (default): no shift evaluation.
         */
        public Builder shiftEval(List<Integer> shifts) { this.shiftEval = List.copyOf(shifts); return this; }
        public Comparison build() { return new Comparison(this); }
    }
}
