package io.github.learnpad.cli;

import io.github.learnpad.data.FashionMnistReader;
import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.train.ComparisonResult;
import io.github.learnpad.train.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code learnpad demo}: a short, fixed comparison of zero and learned padding on Fashion-MNIST with the small CNN
 * (a subset, two seeds); its measured time and results are in docs/cli.md.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Compare zero and learned padding on Fashion-MNIST with the small CNN: "
                + "3000 training and 1000 test images, 2 epochs, seeds 1 and 2, batch 64, Adam 0.002. "
                + "A few minutes on 2 cores (measured times: docs/cli.md). Prints the table and writes the charts "
                + "into --out.",
                "If Fashion-MNIST is missing and this runs as root on a system with apt-get, it installs the Debian "
                        + "package dataset-fashion-mnist."})
final class DemoCommand implements Callable<Integer> {
    static final int TRAIN = 3000;
    static final int TEST = 1000;
    static final int EPOCHS = 2;
    static final List<Long> SEEDS = List.of(1L, 2L);

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

    @Option(names = "--resume", description = "Continue an interrupted demo in --out.")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        ensureData();
        TrainingOptions o = new TrainingOptions();
        o.model = TrainingOptions.ModelName.SMALL;
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
        long t0 = System.nanoTime();
        ComparisonResult r = CompareCommand.run(o, List.of(PaddingMode.ZERO, PaddingMode.LEARNED), SEEDS, out,
                resume, 6);
        double minutes = (System.nanoTime() - t0) / 60e9;
        System.out.println(r.markdown());
        System.out.println(String.format(Locale.ROOT, "Demo finished in %.1f minutes. Charts: %s (accuracy.png, "
                + "curves-*.png, local-loss.png, gallery.png)", minutes, out.toAbsolutePath()));
        return 0;
    }

    /** Installs the Debian package when possible, else says exactly what to do. */
    private void ensureData() throws Exception {
        Path dir = dataDir != null ? dataDir : DataAccess.DEBIAN_FASHION_MNIST;
        if (FashionMnistReader.isPresent(dir)) {
            return;
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean apt = Files.isExecutable(Path.of("/usr/bin/apt-get"));
        if (dataDir == null && root && apt) {
            System.err.println("learnpad: Fashion-MNIST is missing; installing the Debian package dataset-fashion-mnist");
            run("apt-get", "update");
            run("apt-get", "install", "-y", "dataset-fashion-mnist");
            if (FashionMnistReader.isPresent(dir)) {
                return;
            }
        }
        throw new java.nio.file.NoSuchFileException("Fashion-MNIST not found in " + dir + ". Install it with 'sudo apt-get update && "
                + "sudo apt-get install -y dataset-fashion-mnist', or download train-images-idx3-ubyte.gz, "
                + "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz into a "
                + "directory and pass it with --data-dir");
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.to(new File("/dev/stderr")))
                .redirectErrorStream(true).start();
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed with exit code " + rc);
        }
    }
}
