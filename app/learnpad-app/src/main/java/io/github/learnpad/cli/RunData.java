package io.github.learnpad.cli;

import io.github.learnpad.data.ImageDataset;
import io.github.learnpad.data.TrainTest;
import io.github.learnpad.layers.PaddingVariant;
import io.github.learnpad.training.EpochBatches;
import io.github.learnpad.training.ImageBatchEpochs;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.IOException;
import java.util.Map;

/**
 * The data of a CLI run, loaded once from {@link TrainingOptions}, and what a run needs from both: its networks,
 * batches and recorded options. The work goes one way, options to data to training: loading reads the options and
 * never writes them back, so the image size chosen here lives here ({@link #imageSize}).
 */
final class RunData {
    final ImageDataset train;
    final ImageDataset test;
    /** The image size the data was loaded at: --image-size, or the size chosen for the model (0: native). */
    final int imageSize;
    private final TrainingOptions o;

    private RunData(TrainTest tt, int imageSize, TrainingOptions o) {
        this.train = tt.train();
        this.test = tt.test();
        this.imageSize = imageSize;
        this.o = o;
    }

    /**
     * Loads the data for the options' model. Without --image-size, images the model does not take at their native
     * size are resized to the smallest size it takes, saying so in one line on stderr; an explicit --image-size the
     * model does not take is refused.
     */
    static RunData load(TrainingOptions o) throws IOException {
        o.checkImageSize();
        int size = o.imageSize;
        TrainTest tt = o.load(size);
        if (size == 0) {
            int h = tt.train().height();
            int w = tt.train().width();
            if (o.whyNot(h, w) != null) {
                size = o.smallestAcceptedSize(h, w);
                System.err.println("learnpad: " + o.describe().get("model") + " does not take " + h + "x" + w
                        + " images; resizing them to " + size + "x" + size + ", the smallest size it takes (choose "
                        + "another with --image-size)");
                tt = o.load(size);
            }
        }
        return new RunData(tt, size, o);
    }

    /** Loads the data at {@code o.imageSize} (0: native), whatever the options' model takes. */
    static RunData loadAsIs(TrainingOptions o) throws IOException {
        return new RunData(o.load(o.imageSize), o.imageSize, o);
    }

    /** The options as recorded in run.json / results.json, with the image size used. */
    Map<String, Object> describe() {
        return o.describe(imageSize);
    }

    /** An initialised network of the options' model for this data's images and classes. */
    ComputationGraph network(PaddingVariant padding, long seed) {
        return o.network(padding, train.numClasses(), train.channels(), train.height(), train.width(), seed);
    }

    /** Per-epoch reproducible training batches for a run seed. */
    EpochBatches batches(long seed) {
        return ImageBatchEpochs.training(train, o.batch, seed, o.augment);
    }

    long batchesPerEpoch() {
        return (train.size() + o.batch - 1) / o.batch;
    }
}
