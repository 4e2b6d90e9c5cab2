package io.github.learnpad.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Random;

/**
 * A DL4J {@link DataSetIterator} over an {@link ImageDataset}: minibatches of features {@code (B, C, H, W)} FLOAT and
 * one-hot labels {@code (B, numClasses)}, the last batch of an epoch possibly smaller.
 *
 * <p><b>Reproducible and resumable.</b> The image order of epoch {@code e} is a Fisher-Yates shuffle driven by
 * {@code java.util.Random(mix(seed, e))}; the augmentation of batch {@code b} of epoch {@code e} is driven by
 * {@code java.util.Random(mix(seed, e, b))}. Both depend only on {@code (seed, e, b)}, never on what ran before, so a
 * program restarted with {@link #setEpoch(int)} (or {@link #seek(int, int)} for mid-epoch) sees exactly the batches
 * an uninterrupted run would have seen. Without shuffling the order is the dataset order.
 *
 * <p><b>Epochs.</b> {@link #reset()} after at least one batch of the current epoch was taken moves to the next epoch
 * (this is what DL4J's {@code fit(iterator)} calls when an epoch is exhausted); a {@code reset()} before any batch
 * was taken restarts the current epoch. {@link #setEpoch(int)} jumps to the start of any epoch.
 *
 * <p>A {@link DataSetPreProcessor} (e.g. {@link PerChannelNormalizer}) runs on each batch after augmentation.
 */
public final class ImageBatches implements DataSetIterator {
    private static final long serialVersionUID = 1L;

    private final ImageDataset data;
    private final int[] labels;
    private final int batchSize;
    private final long seed;
    private final boolean shuffle;
    private final Augmentation augmentation;
    private DataSetPreProcessor preProcessor;

    private int epoch;
    private int[] order;
    /** Index into {@link #order} of the next image to return. */
    private int cursor;
    /** Index of the next batch within the epoch (augmentation seed). */
    private int batchIndex;

    private ImageBatches(Builder b) {
        this.data = b.data;
        this.labels = b.data.labels();
        this.batchSize = b.batchSize;
        this.seed = b.seed;
        this.shuffle = b.shuffle;
        this.augmentation = b.augmentation;
        this.preProcessor = b.preProcessor;
        if (augmentation.cropPadding() > 0
                && (augmentation.cropPadding() >= data.height() || augmentation.cropPadding() >= data.width())) {
            throw new IllegalArgumentException("crop padding " + augmentation.cropPadding() + " must be smaller than the image size "
                    + data.height() + "x" + data.width() + " for reflect padding");
        }
        setEpoch(b.epoch);
    }

    public static Builder builder(ImageDataset data) {
        return new Builder(data);
    }

    /** Shuffled training batches, with {@link Augmentation#CROP_AND_FLIP} if {@code augment}. */
    public static ImageBatches training(ImageDataset data, int batchSize, long seed, boolean augment) {
        return builder(data).batchSize(batchSize).seed(seed).shuffle(true)
                .augmentation(augment ? Augmentation.CROP_AND_FLIP : Augmentation.NONE).build();
    }

    /** Batches in dataset order, no augmentation (for evaluation). */
    public static ImageBatches evaluation(ImageDataset data, int batchSize) {
        return builder(data).batchSize(batchSize).shuffle(false).build();
    }

    /** The current epoch (0-based). */
    public int epoch() { return epoch; }

    /** The index within the epoch of the next batch {@link #next()} returns. */
    public int batchIndex() { return batchIndex; }

    /** Number of batches per epoch: {@code ceil(size / batchSize)}. */
    public int batchesPerEpoch() { return (data.size() + batchSize - 1) / batchSize; }

    public ImageDataset dataset() { return data; }

    public Augmentation augmentation() { return augmentation; }

    /** Moves to the start of epoch {@code epoch}. */
    public void setEpoch(int epoch) {
        seek(epoch, 0);
    }

    /** Moves to batch {@code batch} of epoch {@code epoch} (to resume mid-epoch). */
    public void seek(int epoch, int batch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        if (batch < 0 || batch > batchesPerEpoch()) {
            throw new IllegalArgumentException("batch must be in 0.." + batchesPerEpoch() + ", got " + batch);
        }
        this.epoch = epoch;
        this.order = order(epoch);
        this.batchIndex = batch;
        this.cursor = Math.min(data.size(), batch * batchSize);
    }

    /** The image order of epoch {@code epoch}: a permutation of {@code 0..size-1} (identity without shuffling). */
    public int[] order(int epoch) {
        int n = data.size();
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        if (shuffle) {
            Random r = new Random(mix(seed, epoch, -1));
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = p[i];
                p[i] = p[j];
                p[j] = t;
            }
        }
        return p;
    }

    @Override
    public boolean hasNext() {
        return cursor < data.size();
    }

    @Override
    public DataSet next() {
        return next(batchSize);
    }

    @Override
    public DataSet next(int num) {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " is exhausted; call reset() for the next epoch");
        }
        if (num < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + num);
        }
        int end = Math.min(data.size(), cursor + num);
        long[] idx = new long[end - cursor];
        for (int k = 0; k < idx.length; k++) {
            idx[k] = order[cursor + k];
        }
        INDArray x = data.features().get(NDArrayIndex.indices(idx), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.all()).dup('c');
        if (augmentation.enabled()) {
            x = augment(x, new Random(mix(seed, epoch, batchIndex)));
        }
        INDArray y = Nd4j.zeros(DataType.FLOAT, idx.length, data.numClasses());
        for (int k = 0; k < idx.length; k++) {
            y.putScalar(k, labels[(int) idx[k]], 1.0);
        }
        cursor = end;
        batchIndex++;
        DataSet ds = new DataSet(x, y);
        if (preProcessor != null) {
            preProcessor.preProcess(ds);
        }
        return ds;
    }

    /** Per image: draw crop offsets (if cropping) then the flip (if flipping), in that order. */
    private INDArray augment(INDArray x, Random r) {
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        int pad = augmentation.cropPadding();
        float[] in = x.data().asFloat();
        float[] out = new float[in.length];
        int plane = h * w;
        for (int i = 0; i < n; i++) {
            int dy = pad > 0 ? r.nextInt(2 * pad + 1) - pad : 0;
            int dx = pad > 0 ? r.nextInt(2 * pad + 1) - pad : 0;
            boolean flip = augmentation.horizontalFlip() && r.nextBoolean();
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * plane;
                for (int yy = 0; yy < h; yy++) {
                    int sy = reflect(yy + dy, h);
                    for (int xx = 0; xx < w; xx++) {
                        int cx = flip ? w - 1 - xx : xx;
                        out[base + yy * w + xx] = in[base + sy * w + reflect(cx + dx, w)];
                    }
                }
            }
        }
        return Nd4j.create(out, new long[]{n, c, h, w}, 'c');
    }

    /** Reflection without edge repeat, valid for {@code -n < i < 2n - 1}. */
    static int reflect(int i, int n) {
        if (i < 0) {
            return -i;
        }
        if (i >= n) {
            return 2 * (n - 1) - i;
        }
        return i;
    }

    /** SplitMix64-style mixing of the seed, epoch and batch into one well-spread seed. */
    static long mix(long seed, long epoch, long batch) {
        long z = splitMix(seed);
        z = splitMix(z ^ splitMix(epoch + 0x9E3779B97F4A7C15L));
        return splitMix(z ^ splitMix(batch + 0x632BE59BD9B4E019L));
    }

    private static long splitMix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public int inputColumns() {
        return data.channels() * data.height() * data.width();
    }

    @Override
    public int totalOutcomes() {
        return data.numClasses();
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    /** Deterministic batches do not need DL4J's prefetch thread (and it would call {@code reset()} on its own). */
    @Override
    public boolean asyncSupported() {
        return false;
    }

    /** Next epoch if any batch of the current one was taken, else restart the current epoch (see class comment). */
    @Override
    public void reset() {
        if (batchIndex > 0) {
            setEpoch(epoch + 1);
        } else {
            setEpoch(epoch);
        }
    }

    @Override
    public int batch() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return data.classNames();
    }

    /** Builder for {@link ImageBatches}. */
    public static final class Builder {
        private final ImageDataset data;
        private int batchSize = 32;
        private long seed = DataOptions.DEFAULT_SEED;
        private boolean shuffle = true;
        private Augmentation augmentation = Augmentation.NONE;
        private int epoch;
        private DataSetPreProcessor preProcessor;

        private Builder(ImageDataset data) {
            this.data = Objects.requireNonNull(data, "data");
        }

        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        public Builder seed(long seed) { this.seed = seed; return this; }
        public Builder shuffle(boolean shuffle) { this.shuffle = shuffle; return this; }
        public Builder augmentation(Augmentation augmentation) { this.augmentation = Objects.requireNonNull(augmentation); return this; }
        /** The epoch to start at (to resume a run). */
        public Builder epoch(int epoch) { this.epoch = epoch; return this; }
        public Builder preProcessor(DataSetPreProcessor preProcessor) { this.preProcessor = preProcessor; return this; }

        public ImageBatches build() {
            return new ImageBatches(this);
        }
    }
}
