package io.github.learnpad.cli;

import io.github.learnpad.data.ImageDataset;
import io.github.learnpad.data.TrainTest;
import io.github.learnpad.training.EpochBatches;
import io.github.learnpad.training.ImageBatchEpochs;

import java.io.IOException;

/** The data of a CLI run, loaded once from {@link TrainingOptions}. */
final class RunData {
    final ImageDataset train;
    final ImageDataset test;
    private final TrainingOptions o;

    private RunData(ImageDataset train, ImageDataset test, TrainingOptions o) {
        this.train = train;
        this.test = test;
        this.o = o;
    }

    /**
     * Loads the data for the options' model. Without --image-size, images the model does not take at their native
     * size are resized to the smallest size it takes (and {@code o.imageSize} is set to it), saying so in one line
     * on stderr; an explicit --image-size the model does not take is refused.
     */
    static RunData load(TrainingOptions o) throws IOException {
        o.checkImageSize();
        TrainTest tt = load(o, o.imageSize);
        if (o.imageSize == 0) {
            int h = tt.train().height();
            int w = tt.train().width();
            if (o.whyNot(h, w) != null) {
                int s = o.smallestAcceptedSize(h, w);
                System.err.println("learnpad: " + o.describe().get("model") + " does not take " + h + "x" + w
                        + " images; resizing them to " + s + "x" + s + ", the smallest size it takes (choose "
                        + "another with --image-size)");
                o.imageSize = s;
                tt = load(o, s);
            }
        }
        return new RunData(tt.train(), tt.test(), o);
    }

    /** Loads the data at {@code o.imageSize} (0: native), whatever the options' model takes. */
    static RunData loadAsIs(TrainingOptions o) throws IOException {
        TrainTest tt = load(o, o.imageSize);
        return new RunData(tt.train(), tt.test(), o);
    }

    private static TrainTest load(TrainingOptions o, int imageSize) throws IOException {
        return o.data.load(imageSize, o.channels, o.subset, o.testSubset,
                o.dataSeed);
    }

    /** Per-epoch reproducible training batches for a run seed. */
    EpochBatches batches(long seed) {
        return ImageBatchEpochs.training(train, o.batch, seed, o.augment);
    }

    long batchesPerEpoch() {
        return (train.size() + o.batch - 1) / o.batch;
    }
}
