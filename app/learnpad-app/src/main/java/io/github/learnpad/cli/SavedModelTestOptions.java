package io.github.learnpad.cli;

import io.github.learnpad.data.ChannelPolicy;
import io.github.learnpad.data.ImageDataset;
import io.github.learnpad.training.RunMetadata;
import org.deeplearning4j.nn.api.Model;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Options of the commands that test saved networks ({@code eval}, {@code robustness}): the test set and how to run
 * it, and loading a model with the test set it was trained for (image size and channels from its run.json).
 */
final class SavedModelTestOptions {
    @Mixin
    DatasetOptions data = new DatasetOptions();

    /** The --dataset option's value, as the reports name the test set. */
    String dataset() {
        return data.dataset;
    }

    @Option(names = "--test-subset", defaultValue = "0", description = "A seeded random subset of N test images.")
    int testSubset;

    @Option(names = "--data-seed", defaultValue = "1", description = "Seed of the --test-subset choice (and of a "
            + "folder dataset's train/test split: use the training run's). Default: ${DEFAULT-VALUE}.")
    long dataSeed;

    @Option(names = "--batch", defaultValue = "256", description = "Evaluation batch size. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = "--image-size", defaultValue = "0", description = "Resize test images to SIZE x SIZE (default: "
            + "the size in run.json next to the model, else the dataset's own).")
    int imageSize;

    /** Checks the values and applies --threads. */
    void validate() {
        TrainingOptions.require(batch >= 1, "--batch must be >= 1, got " + batch);
        threads.apply();
    }

    /**
     * The test set for the network in {@code zip}: resized and converted to the (C, H, W) of its run.json (or
     * --image-size), checked against the network's input shape and number of classes.
     */
    ImageDataset testSet(Path zip, Model net) throws IOException {
        int[] chw = RunMetadata.inputShape(zip.toAbsolutePath().getParent()).orElse(null);
        int size = imageSize > 0 ? imageSize : chw != null && chw[1] == chw[2] ? chw[1] : 0;
        ChannelPolicy policy = chw == null ? ChannelPolicy.KEEP : chw[0] == 1 ? ChannelPolicy.GREY : ChannelPolicy.RGB;
        ImageDataset test = data.load(size, policy, 1, testSubset, dataSeed).test();
        if (chw != null && (test.channels() != chw[0] || test.height() != chw[1] || test.width() != chw[2])) {
            throw new IllegalArgumentException("the model expects images (" + chw[0] + ", " + chw[1] + ", " + chw[2]
                    + ") but " + data.dataset + " gives (" + test.channels() + ", " + test.height() + ", " + test.width()
                    + ")");
        }
        checkClasses(net, test);
        return test;
    }

    /** Refuses a network whose output has another number of classes than the test set. */
    void checkClasses(Model net, ImageDataset test) {
        long classes = SavedModels.classes(net);
        if (classes != test.numClasses()) {
            throw new IllegalArgumentException("the model has " + classes + " classes, " + data.dataset + " has "
                    + test.numClasses());
        }
    }
}
