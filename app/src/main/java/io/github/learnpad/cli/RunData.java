package io.github.learnpad.cli;

import io.github.learnpad.data.ImageDataset;
import io.github.learnpad.data.TrainTest;
import io.github.learnpad.train.EpochBatches;
import io.github.learnpad.train.ImageBatchEpochs;

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

    static RunData load(TrainingOptions o) throws IOException {
        TrainTest tt = DataAccess.load(o.dataset, o.dataDir, o.download, o.effectiveImageSize(), o.channels,
                o.subset, o.testSubset, o.dataSeed);
        return new RunData(tt.train(), tt.test(), o);
    }

    /** Per-epoch reproducible training batches for a run seed. */
    EpochBatches batches(long seed) {
        return ImageBatchEpochs.training(train, o.batch, seed, o.augment);
    }

    long batchesPerEpoch() {
        return (train.size() + o.batch - 1) / o.batch;
    }
}
