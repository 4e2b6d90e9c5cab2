package io.github.learnpad.cli;

import io.github.learnpad.data.ImageDataset;
import org.nd4j.linalg.factory.Nd4j;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The CLI's only access to datasets. TEMPORARY: reads Fashion-MNIST's IDX files itself until
 * {@code io.github.learnpad.data.Datasets} (branch data) is merged; then this delegates to it.
 */
final class DataAccess {
    static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    static final List<String> FASHION_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** A train and a test set. */
    static final class TrainTest {
        final ImageDataset train;
        final ImageDataset test;

        TrainTest(ImageDataset train, ImageDataset test) {
            this.train = train;
            this.test = test;
        }
    }

    private DataAccess() {
    }

    /**
     * Loads a dataset.
     *
     * @param spec      "fashion-mnist", "cifar10" or "folder:PATH"
     * @param dataDir   where to look (null: the default places)
     * @param imageSize target height = width, or 0 for the native size
     * @param trainLimit, testLimit  seeded random subsets (0 = all)
     */
    static TrainTest load(String spec, Path dataDir, boolean download, int imageSize, int trainLimit, int testLimit,
            long seed) throws IOException {
        if (!spec.equals("fashion-mnist")) {
            throw new IllegalArgumentException("dataset " + spec + " is not available in this build yet");
        }
        Path dir = dataDir != null ? dataDir : DEBIAN_FASHION_MNIST;
        if (dataDir != null && Files.isDirectory(dataDir.resolve("fashion-mnist"))) {
            dir = dataDir.resolve("fashion-mnist");
        }
        if (!Files.exists(dir.resolve("train-images-idx3-ubyte.gz"))) {
            throw new MissingDataException("Fashion-MNIST not found in " + dir + ". Install it with "
                    + "'sudo apt-get install dataset-fashion-mnist' (Debian/Ubuntu) or put the four *-ubyte.gz files "
                    + "there and pass --data-dir");
        }
        if (imageSize != 0 && imageSize != 28) {
            throw new IllegalArgumentException("resizing Fashion-MNIST is not available in this build yet");
        }
        ImageDataset train = read(dir, "train", "fashion-mnist", trainLimit, seed);
        ImageDataset test = read(dir, "t10k", "fashion-mnist", testLimit, seed + 1);
        return new TrainTest(train, test);
    }

    /**
     * Reads an IDX pair; with {@code limit > 0} keeps only the images {@link ImageDataset#subset} would pick (the
     * same seeded choice), without first building the whole set in memory.
     */
    private static ImageDataset read(Path dir, String prefix, String name, int limit, long seed) throws IOException {
        byte[] px;
        int n;
        int h;
        int w;
        try (InputStream raw = Files.newInputStream(dir.resolve(prefix + "-images-idx3-ubyte.gz"));
             DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
            if (in.readInt() != 0x803) {
                throw new IOException("not an IDX image file: " + dir.resolve(prefix + "-images-idx3-ubyte.gz"));
            }
            n = in.readInt();
            h = in.readInt();
            w = in.readInt();
            px = new byte[n * h * w];
            in.readFully(px);
        }
        int[] labels = new int[n];
        try (InputStream raw = Files.newInputStream(dir.resolve(prefix + "-labels-idx1-ubyte.gz"));
             DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
            if (in.readInt() != 0x801 || in.readInt() != n) {
                throw new IOException("bad IDX label file: " + dir.resolve(prefix + "-labels-idx1-ubyte.gz"));
            }
            for (int i = 0; i < n; i++) {
                labels[i] = in.readUnsignedByte();
            }
        }
        int[] pick = pick(n, limit, seed);
        int hw = h * w;
        float[] f = new float[pick.length * hw];
        int[] l = new int[pick.length];
        for (int i = 0; i < pick.length; i++) {
            l[i] = labels[pick[i]];
            for (int p = 0; p < hw; p++) {
                f[i * hw + p] = (px[pick[i] * hw + p] & 0xff) / 255f;
            }
        }
        return new ImageDataset(name + "-" + prefix, Nd4j.create(f, new long[]{pick.length, 1, h, w}), l,
                FASHION_CLASSES);
    }

    /** Sorted indices of the first {@code limit} of a {@code Random(seed)} shuffle, as ImageDataset.subset. */
    static int[] pick(int n, int limit, long seed) {
        if (limit <= 0 || limit >= n) {
            return java.util.stream.IntStream.range(0, n).toArray();
        }
        java.util.List<Integer> idx = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            idx.add(i);
        }
        java.util.Collections.shuffle(idx, new java.util.Random(seed));
        return idx.subList(0, limit).stream().mapToInt(Integer::intValue).sorted().toArray();
    }
}
