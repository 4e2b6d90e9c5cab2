package io.github.learnpad.training;

import io.github.learnpad.data.ImageBatches;
import io.github.learnpad.data.ImageDataset;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * {@link EpochBatches} over {@link ImageBatches}: epoch {@code e} (1-based) is ImageBatches' epoch {@code e - 1},
 * whose order and augmentation depend only on the seed and the epoch, so any epoch can be replayed after a restart.
 */
public final class ImageBatchEpochs implements EpochBatches {
    private final ImageBatches batches;

    public ImageBatchEpochs(ImageBatches batches) {
        this.batches = batches;
    }

    /** Shuffled training batches of {@code data}, with crop-and-flip augmentation if {@code augment}. */
    public static ImageBatchEpochs training(ImageDataset data, int batchSize, long seed, boolean augment) {
        return new ImageBatchEpochs(ImageBatches.training(data, batchSize, seed, augment));
    }

    @Override
    public DataSetIterator forEpoch(int epoch) {
        batches.setEpoch(epoch - 1);
        return batches;
    }

    /** Batches per epoch. */
    public int batchesPerEpoch() {
        return batches.batchesPerEpoch();
    }
}
