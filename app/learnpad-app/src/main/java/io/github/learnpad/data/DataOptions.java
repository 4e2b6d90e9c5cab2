package io.github.learnpad.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How {@link Datasets#load(DatasetSpec, DataOptions)} finds, converts and subsets a dataset.
 *
 * <ul>
 *   <li>{@code dataDir}: explicit directory holding the files (nullable: then the environment variable and default
 *       locations are searched, see {@link DataLocations}).</li>
 *   <li>{@code download}: fetch the dataset when it is not found (Fashion-MNIST, CIFAR-10 only; see
 *       {@link Downloader}).</li>
 *   <li>{@code height}, {@code width}: target image size; images are resized by bilinear interpolation, never padded
 *       (nullable: native size).</li>
 *   <li>{@code channels}: {@link ChannelPolicy}.</li>
 *   <li>{@code trainLimit}, {@code testLimit}: keep a seeded random subset of this many images (nullable: all). The
 *       subset is the one {@link ImageDataset#subset(int, long)} with {@code seed} would give.</li>
 *   <li>{@code seed}: for the subsets and the folder train/test split.</li>
 *   <li>{@code testFraction}: for an image folder without {@code train/} and {@code test/} sub-folders, the fraction of
 *       each class held out for the test set (default {@value #DEFAULT_TEST_FRACTION}).</li>
 * </ul>
 */
public final class DataOptions {
    /** Default held-out fraction for a folder without a train/test split. */
    public static final double DEFAULT_TEST_FRACTION = 0.2;
    /** Default seed. */
    public static final long DEFAULT_SEED = 42L;

    private final Path dataDir;
    private final boolean download;
    private final Integer height;
    private final Integer width;
    private final ChannelPolicy channels;
    private final Integer trainLimit;
    private final Integer testLimit;
    private final long seed;
    private final double testFraction;

    private DataOptions(Builder b) {
        this.dataDir = b.dataDir;
        this.download = b.download;
        this.height = b.height;
        this.width = b.width;
        this.channels = b.channels;
        this.trainLimit = b.trainLimit;
        this.testLimit = b.testLimit;
        this.seed = b.seed;
        this.testFraction = b.testFraction;
    }

    public static Builder builder() { return new Builder(); }

    /** Native size, native channels, all images, seed {@value #DEFAULT_SEED}, no download. */
    public static DataOptions defaults() { return builder().build(); }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.dataDir = dataDir;
        b.download = download;
        b.height = height;
        b.width = width;
        b.channels = channels;
        b.trainLimit = trainLimit;
        b.testLimit = testLimit;
        b.seed = seed;
        b.testFraction = testFraction;
        return b;
    }

    /** Explicit data directory, or {@code null}. */
    public Path dataDir() { return dataDir; }
    public boolean download() { return download; }
    /** Target height, or {@code null} for native. */
    public Integer height() { return height; }
    /** Target width, or {@code null} for native. */
    public Integer width() { return width; }
    public ChannelPolicy channels() { return channels; }
    /** Training subset size, or {@code null} for all. */
    public Integer trainLimit() { return trainLimit; }
    /** Test subset size, or {@code null} for all. */
    public Integer testLimit() { return testLimit; }
    public long seed() { return seed; }
    public double testFraction() { return testFraction; }

    @Override
    public String toString() {
        return "DataOptions{dataDir=" + dataDir + ", download=" + download + ", size=" + height + "x" + width
                + ", channels=" + channels + ", trainLimit=" + trainLimit + ", testLimit=" + testLimit
                + ", seed=" + seed + ", testFraction=" + testFraction + "}";
    }

    /** Builder for {@link DataOptions}. */
    public static final class Builder {
        private Path dataDir;
        private boolean download;
        private Integer height;
        private Integer width;
        private ChannelPolicy channels = ChannelPolicy.KEEP;
        private Integer trainLimit;
        private Integer testLimit;
        private long seed = DEFAULT_SEED;
        private double testFraction = DEFAULT_TEST_FRACTION;

        private Builder() {
        }

        public Builder dataDir(Path dataDir) { this.dataDir = dataDir; return this; }
        public Builder download(boolean download) { this.download = download; return this; }
        /** Target size {@code height x width}; both {@code null} keeps the native size. */
        public Builder size(Integer height, Integer width) { this.height = height; this.width = width; return this; }
        public Builder height(Integer height) { this.height = height; return this; }
        public Builder width(Integer width) { this.width = width; return this; }
        public Builder channels(ChannelPolicy channels) { this.channels = Objects.requireNonNull(channels, "channels"); return this; }
        public Builder trainLimit(Integer trainLimit) { this.trainLimit = trainLimit; return this; }
        public Builder testLimit(Integer testLimit) { this.testLimit = testLimit; return this; }
        public Builder seed(long seed) { this.seed = seed; return this; }
        public Builder testFraction(double testFraction) { this.testFraction = testFraction; return this; }

        /** @throws IllegalArgumentException for only one of height/width, non-positive sizes or limits, a bad fraction */
        public DataOptions build() {
            if ((height == null) != (width == null)) {
                throw new IllegalArgumentException("Give both height and width (or neither, for the native size); got height="
                        + height + ", width=" + width);
            }
            if (height != null && (height < 1 || width < 1)) {
                throw new IllegalArgumentException("Image size must be positive, got " + height + "x" + width);
            }
            if (trainLimit != null && trainLimit < 1) {
                throw new IllegalArgumentException("trainLimit must be >= 1 (or unset for all images), got " + trainLimit);
            }
            if (testLimit != null && testLimit < 1) {
                throw new IllegalArgumentException("testLimit must be >= 1 (or unset for all images), got " + testLimit);
            }
            if (!(testFraction > 0 && testFraction < 1)) {
                throw new IllegalArgumentException("testFraction must be strictly between 0 and 1, got " + testFraction);
            }
            return new DataOptions(this);
        }
    }
}
