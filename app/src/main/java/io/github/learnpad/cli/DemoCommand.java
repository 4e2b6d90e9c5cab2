package io.github.learnpad.cli;

import io.github.learnpad.data.FashionMnistReader;
import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.layers.PaddingVariant;
import io.github.learnpad.models.Architecture;
import io.github.learnpad.train.ComparisonResult;
import picocli.CommandLine.Command;
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
                "Needs Fashion-MNIST: Debian's package dataset-fashion-mnist, or the four files in --data-dir."})
final class DemoCommand implements Callable<Integer> {
    static final int TRAIN = 3000;
    static final int TEST = 1000;
    static final int EPOCHS = 2;
    static final List<Long> SEEDS = List.of(1L, 2L);
    static final int GALLERY_PAD = 6;

    @Option(names = "--out", defaultValue = "learnpad-demo", description = "Output directory. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--data-dir", description = "Directory with Fashion-MNIST's *-ubyte.gz files "
            + "(default: /usr/share/datasets/fashion-mnist).")
    Path dataDir;

    @Option(names = "--threads", defaultValue = "0", description = "ND4J threads (0: one per core).")
    int threads;

    @Option(names = "--progress", defaultValue = "auto", converter = Converters.ProgressConverter.class,
            description = "auto, bar, lines or none.")
    Progress progress;

    /** Kept so that earlier command lines still work: reusing and continuing runs is what the demo always does now. */
    @Option(names = "--resume", hidden = true)
    boolean resume;

    @Override
    public Integer call() throws Exception {
        ensureData();
        TrainingOptions o = new TrainingOptions();
        o.model = Architecture.SMALL;
        o.dataset = "fashion-mnist";
        o.dataDir = dataDir;
        o.imageSize = 0;
        o.channels = io.github.learnpad.data.ChannelPolicy.KEEP;
        o.epochs = EPOCHS;
        o.batch = 64;
        o.lr = 0.002;
        o.subset = TRAIN;
        o.testSubset = TEST;
        o.threads = threads;
        o.progress = progress;
        o.dataSeed = 1;
        o.validate();
        List<PaddingVariant> paddings = List.of(PaddingVariant.of(PaddingMode.ZERO), PaddingVariant.LEARNED);
        boolean reuse = DemoRuns.prepare(out, settings(o, paddings), System.err);
        long t0 = System.nanoTime();
        ComparisonResult r = CompareCommand.run(o, paddings, null, SEEDS, out, reuse, GALLERY_PAD, List.of());
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

    /** Says exactly how to get Fashion-MNIST when it is missing (installing system packages is not the demo's job). */
    private void ensureData() throws Exception {
        Path dir = dataDir != null ? dataDir : DataAccess.DEBIAN_FASHION_MNIST;
        if (FashionMnistReader.isPresent(dir)) {
            return;
        }
        throw new java.nio.file.NoSuchFileException("Fashion-MNIST not found in " + dir + ". Install it with 'sudo apt-get update && "
                + "sudo apt-get install -y dataset-fashion-mnist', or download train-images-idx3-ubyte.gz, "
                + "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz into a "
                + "directory and pass it with --data-dir");
    }
}
