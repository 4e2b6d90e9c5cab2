package io.github.learnpad.cli;

import io.github.learnpad.data.ChannelPolicy;
import io.github.learnpad.data.DataOptions;
import io.github.learnpad.data.DatasetSpec;
import io.github.learnpad.data.Datasets;
import io.github.learnpad.data.TrainTest;

import java.io.IOException;
import java.nio.file.Path;

/** The CLI's access to datasets: {@link Datasets#load} with the options of the command line. */
final class DataAccess {

    private DataAccess() {
    }

    /**
     * Loads a dataset.
     *
     * @param spec       "fashion-mnist", "cifar10" or "folder:PATH"
     * @param dataDir    where the files are (null: the usual places)
     * @param imageSize  target height = width, or 0 for the native size
     * @param channels   channel policy
     * @param trainLimit seeded random subset sizes (0 = all)
     * @param testLimit  idem for the test split
     * @param seed       seed of the subsets (and of a folder's train/test split)
     */
    static TrainTest load(String spec, Path dataDir, boolean download, int imageSize, ChannelPolicy channels,
            int trainLimit, int testLimit, long seed) throws IOException {
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
        return Datasets.load(DatasetSpec.parse(spec), o.build());
    }
}
