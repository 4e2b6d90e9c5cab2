package io.github.learnpad.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * An in-memory labelled image set.
 *
 * <p>Features are {@code (N, C, H, W)} FLOAT in {@code [0, 1]}; labels are class indices {@code 0..numClasses-1}.
 */
public final class ImageDataset {
    private final String name;
    private final INDArray features;
    private final int[] labels;
    private final List<String> classNames;
    private ShiftedRendering naturalShift;
    private java.util.Map<String, Object> sources = java.util.Map.of();

    public ImageDataset(String name, INDArray features, int[] labels, List<String> classNames) {
        this.name = Objects.requireNonNull(name, "name");
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(classNames, "classNames");
        if (features.rank() != 4) {
            throw new IllegalArgumentException("features must be (N, C, H, W), got shape "
                    + java.util.Arrays.toString(features.shape()));
        }
        if (features.size(0) != labels.length) {
            throw new IllegalArgumentException("features has " + features.size(0) + " images but there are "
                    + labels.length + " labels");
        }
        for (int l : labels) {
            if (l < 0 || l >= classNames.size()) {
                throw new IllegalArgumentException("label " + l + " outside 0.." + (classNames.size() - 1));
            }
        }
        this.features = features.dataType() == DataType.FLOAT ? features : features.castTo(DataType.FLOAT);
        this.labels = labels.clone();
        this.classNames = List.copyOf(classNames);
    }

    public String name() { return name; }
    /** {@code (N, C, H, W)} FLOAT in [0, 1]. */
    public INDArray features() { return features; }
    /** Class indices, one per image. */
    public int[] labels() { return labels.clone(); }
    public List<String> classNames() { return classNames; }
    public int numClasses() { return classNames.size(); }
    public int size() { return labels.length; }
    public int channels() { return (int) features.size(1); }
    public int height() { return (int) features.size(2); }
    public int width() { return (int) features.size(3); }

    /**
     * The same images with the dataset's own continuation beyond their borders (see {@link ShiftedRendering}), which
     * the border-shift evaluation uses next to the replicate fill. A {@link #subset} does not keep it.
     */
    public ImageDataset withNaturalShift(ShiftedRendering rendering) {
        ImageDataset d = copy();
        d.naturalShift = java.util.Objects.requireNonNull(rendering, "rendering");
        return d;
    }

    /** The same images with a description of what they were built from (files and their checksums, parameters). */
    public ImageDataset withSources(java.util.Map<String, Object> description) {
        ImageDataset d = copy();
        d.sources = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(description));
        return d;
    }

    /** What the images were built from, recorded with each run (empty when unknown). */
    public java.util.Map<String, Object> sources() {
        return sources;
    }

    private ImageDataset copy() {
        ImageDataset d = new ImageDataset(name, features, labels, classNames);
        d.naturalShift = naturalShift;
        d.sources = sources;
        return d;
    }

    /** The dataset's own continuation of its images, if it has one. */
    public java.util.Optional<ShiftedRendering> naturalShift() {
        return java.util.Optional.ofNullable(naturalShift);
    }

    /** One-hot labels {@code (N, numClasses)} FLOAT. */
    public INDArray oneHotLabels() {
        INDArray y = Nd4j.zeros(DataType.FLOAT, labels.length, classNames.size());
        for (int i = 0; i < labels.length; i++) {
            y.putScalar(i, labels[i], 1.0);
        }
        return y;
    }

    /** The first {@code n} images of a seeded random permutation (all if {@code n >= size()}). */
    public ImageDataset subset(int n, long seed) {
        if (n <= 0) {
            throw new IllegalArgumentException("subset size must be > 0, got " + n);
        }
        if (n >= size()) {
            return this;
        }
        long[] pick = java.util.Arrays.stream(subsetIndices(size(), n, seed)).asLongStream().toArray();
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = labels[(int) pick[i]];
        }
        INDArray f = features.get(NDArrayIndex.indices(pick), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()).dup();
        return new ImageDataset(name, f, l, classNames);
    }

    /**
     * The indices {@link #subset(int, long)} keeps: the first {@code n} of {@code 0..size-1} shuffled by
     * {@code Collections.shuffle} with {@code new Random(seed)}, sorted ascending ({@code n >= size}: all).
     * {@link Datasets} uses it to subset before decoding, with the same result as subsetting afterwards.
     */
    static int[] subsetIndices(int size, int n, long seed) {
        if (n >= size) {
            int[] all = new int[size];
            for (int i = 0; i < size; i++) {
                all[i] = i;
            }
            return all;
        }
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            idx.add(i);
        }
        Collections.shuffle(idx, new Random(seed));
        return idx.subList(0, n).stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /** The whole set as one DataSet (features, one-hot labels). */
    public DataSet toDataSet() {
        return new DataSet(features, oneHotLabels());
    }
}
