package io.github.learnpad.cli;

import io.github.learnpad.data.ChannelPolicy;
import io.github.learnpad.data.DataOptions;
import io.github.learnpad.data.DatasetSpec;
import io.github.learnpad.data.Datasets;
import io.github.learnpad.data.TrainTest;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code --dataset}, {@code --data-dir} and {@code --download}: which dataset a command reads and where its files
 * are. A picocli mixin of every command that reads one ({@code train}, {@code compare}, {@code eval},
 * {@code robustness}, {@code realism}), so the three options are declared once; {@code demo} keeps its own
 * {@code --data-dir} because it chooses the dataset itself.
 */
public final class DatasetOptions {
    /** The dataset: see {@link DatasetSpec#VALID_FORMS}. Initialised as picocli's default, for code that builds one. */
    @Option(names = "--dataset", defaultValue = "fashion-mnist",
            description = DatasetSpec.VALID_FORMS + ". Default: ${DEFAULT-VALUE}.")
    String dataset = "fashion-mnist";

    /** Where the files are; null: the usual places ({@link io.github.learnpad.data.DataLocations}). */
    @Option(names = "--data-dir", description = "Where the dataset files are (default: the usual places, e.g. "
            + "/usr/share/datasets/fashion-mnist of the Debian package dataset-fashion-mnist).")
    Path dataDir;

    /** Whether a missing dataset may be downloaded (nothing is downloaded without it). */
    @Option(names = "--download", description = "Download the dataset into --data-dir if it is missing.")
    boolean download;

    /**
     * Loads the dataset with {@link Datasets#load}.
     *
     * @param imageSize  target height = width, or 0 for the native size
     * @param channels   channel policy
     * @param trainLimit seeded random subset size of the training split (0 = all)
     * @param testLimit  idem for the test split
     * @param seed       seed of the subsets (and of a folder's train/test split)
     */
    TrainTest load(int imageSize, ChannelPolicy channels, int trainLimit, int testLimit, long seed)
            throws IOException {
        DataOptions.Builder o = DataOptions.builder().dataDir(dataDir).download(download).channels(channels).seed(seed);
        if (imageSize > 0) {
            o.size(imageSize, imageSize);
        }
        if (trainLimit > 0) {
            o.trainLimit(trainLimit);
        }
        if (testLimit > 0) {
            o.testLimit(testLimit);
        }
        return Datasets.load(DatasetSpec.parse(dataset), o.build());
    }
}
