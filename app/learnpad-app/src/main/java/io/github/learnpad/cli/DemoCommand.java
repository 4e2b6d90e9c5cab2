package io.github.learnpad.cli;

import io.github.learnpad.data.ChannelPolicy;
import io.github.learnpad.data.DataLocations;
import io.github.learnpad.data.DatasetSpec;
import io.github.learnpad.data.FashionMnistReader;
import io.github.learnpad.data.FashionMnistSample;
import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.layers.PaddingVariant;
import io.github.learnpad.models.Architecture;
import io.github.learnpad.training.ComparisonResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code learnpad demo}: a short, fixed comparison of zero and learned padding on Fashion-MNIST with the small CNN
 * (a subset, two seeds). Its measured time and results are in docs/benchmarks.md.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Compare zero and learned padding on Fashion-MNIST with the small CNN: "
                + "3000 training and 1000 test images, 2 epochs, seeds 1 and 2, batch 64, Adam 0.002. "
                + "Minutes on 2 cores (measured times: docs/benchmarks.md). Prints the table and writes the charts "
                + "into --out.",
                "Typed again, it reuses the finished runs in --out (and continues an interrupted one) when the settings "
                        + "are the same, and starts over when they are not.",
                "Uses the full Fashion-MNIST where it is installed (Debian's package dataset-fashion-mnist, "
                        + "LEARNPAD_FASHION_MNIST_DIR, ~/.learnpad/data or --data-dir), and otherwise the sample of the "
                        + "same 3000 + 1000 images inside LearnPad (dataset fashion-mnist-sample): the same results."})
final class DemoCommand implements Callable<Integer> {
    /** The demo's subset: exactly the images of the sample inside the application. */
    static final int TRAIN = FashionMnistSample.TRAIN;
    static final int TEST = FashionMnistSample.TEST;
    static final int EPOCHS = 2;
    static final List<Long> SEEDS = List.of(1L, 2L);
    static final int GALLERY_PAD = 6;

    @Option(names = "--out", defaultValue = "learnpad-demo", description = "Output directory. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--data-dir", description = "Directory with Fashion-MNIST's *-ubyte.gz files "
            + "(default: the usual places, see docs/data.md; without them, the sample inside LearnPad).")
    Path dataDir;

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = "--progress", defaultValue = "auto", converter = Converters.ProgressConverter.class,
            description = "auto, bar, lines or none.")
    Progress progress;

    /** Kept so that earlier command lines still work: reusing and continuing runs is what the demo always does now. */
    @Option(names = "--resume", hidden = true)
    boolean resume;

    @Override
    public Integer call() throws Exception {
        List<PaddingVariant> paddings = List.of(PaddingVariant.of(PaddingMode.ZERO), PaddingVariant.LEARNED);
        ComparisonSpec spec = ComparisonSpec.builder().model(Architecture.SMALL).dataset(dataset()).dataDir(dataDir)
                .imageSize(0).channels(ChannelPolicy.KEEP).epochs(EPOCHS).batch(64).lr(0.002).subset(TRAIN)
                .testSubset(TEST).threads(threads.count).progress(progress).dataSeed(FashionMnistSample.SEED)
                .paddings(paddings).seeds(SEEDS).out(out).galleryPad(GALLERY_PAD).build();
        TrainingOptions o = spec.toCommand().options;
        o.validate();
        boolean reuse = DemoRuns.prepare(out, settings(o, paddings), System.err);
        long t0 = System.nanoTime();
        ComparisonResult r = CompareCommand.run(spec.toBuilder().resume(reuse).build());
        double minutes = (System.nanoTime() - t0) / 60e9;
        System.out.println(r.markdown());
        System.out.println(String.format(Locale.ROOT, "Demo finished in %.1f minutes. Charts: %s (accuracy.png, "
                + "curves-*.png, local-loss.png, gallery.png)", minutes, out.toAbsolutePath()));
        return 0;
    }

    /** What makes two demos the same (recorded in OUT/demo.json); not threads, progress or the data's location. */
    static Map<String, Object> settings(TrainingOptions o, List<PaddingVariant> paddings) {
        Map<String, Object> m = new LinkedHashMap<>(o.describe());
        m.put("epochs", o.epochs);
        m.put("batchSize", o.batch);
        m.put("paddings", paddings.stream().map(PaddingVariant::id).toList());
        m.put("seeds", SEEDS);
        m.put("galleryPad", GALLERY_PAD);
        return m;
    }

    /**
     * The full Fashion-MNIST where it is found; otherwise the sample inside the application, said in one line. An
     * explicit --data-dir without the files is an error that says how to get them.
     */
    private String dataset() throws Exception {
        if (dataDir != null) {
            if (!FashionMnistReader.isPresent(dataDir)) {
                throw new java.nio.file.NoSuchFileException("Fashion-MNIST not found in " + dataDir + " (--data-dir). "
                        + "Put train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and "
                        + "t10k-labels-idx1-ubyte.gz there, or leave --data-dir out to use the installed set or the "
                        + "sample inside LearnPad");
            }
            return DatasetSpec.fashionMnist().name();
        }
        List<Path> places = DataLocations.system().candidates(DatasetSpec.Kind.FASHION_MNIST, null);
        for (Path p : places) {
            if (FashionMnistReader.isPresent(p)) {
                return DatasetSpec.fashionMnist().name();
            }
        }
        System.err.println("learnpad demo: Fashion-MNIST is not installed (looked in " + places + "), so the demo uses "
                + "the sample inside LearnPad (dataset fashion-mnist-sample: the same " + TRAIN + " + " + TEST
                + " images, the same results; for all of it: sudo apt-get install dataset-fashion-mnist).");
        return DatasetSpec.fashionMnistSample().name();
    }
}
