package io.github.learnpad.train;

import io.github.learnpad.data.ImageDataset;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Plain per-epoch shuffled minibatches of an {@link ImageDataset}, no augmentation: epoch {@code e} uses the
 * permutation of {@code new Random(seed * 1000003 + e)}, so it does not depend on earlier epochs.
 * {@code io.github.learnpad.data.ImageBatches} adds augmentation; this class is the dependency-free fallback.
 */
public final class ShuffledBatches implements EpochBatches {
    private final ImageDataset data;
    private final int batchSize;
    private final long seed;
    private final INDArray labels;

    public ShuffledBatches(ImageDataset data, int batchSize, long seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        this.data = data;
        this.batchSize = batchSize;
        this.seed = seed;
        this.labels = data.oneHotLabels();
    }

    @Override
    public DataSetIterator forEpoch(int epoch) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed * 1000003L + epoch));
        List<DataSet> batches = new ArrayList<>();
        for (int from = 0; from < order.size(); from += batchSize) {
            long[] idx = order.subList(from, Math.min(order.size(), from + batchSize)).stream()
                    .mapToLong(Integer::longValue).toArray();
            INDArray f = data.features().get(NDArrayIndex.indices(idx), NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.all()).dup();
            INDArray y = labels.get(NDArrayIndex.indices(idx), NDArrayIndex.all()).dup();
            batches.add(new DataSet(f, y));
        }
        return new ExistingDataSetIterator(batches);
    }
}
