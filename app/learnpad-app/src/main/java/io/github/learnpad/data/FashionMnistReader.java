package io.github.learnpad.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Fashion-MNIST from its four IDX files ({@code train-images-idx3-ubyte.gz}, {@code train-labels-idx1-ubyte.gz},
 * {@code t10k-images-idx3-ubyte.gz}, {@code t10k-labels-idx1-ubyte.gz}; the un-gzipped files without {@code .gz} work
 * too). Images are 28x28 grey, features {@code (N, 1, 28, 28)} in [0, 1] (byte / 255); 60000 train, 10000 test.
 *
 * <p>The files are checked: magic numbers, dimensions, image and label counts agree, labels in 0..9, exact file
 * length. A truncated or corrupt file raises an {@link IOException} naming the file and the problem.
 */
public final class FashionMnistReader {
    /** The official class names, in label order. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** The four file names as published (gzipped). */
    public static final List<String> FILE_NAMES = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");

    private FashionMnistReader() {
    }

    /** Reads both splits from {@code dir} at native size. */
    public static TrainTest load(Path dir) throws IOException {
        return new TrainTest(
                ImageAssembler.assemble(trainSource(dir), null, null, null, ChannelPolicy.KEEP),
                ImageAssembler.assemble(testSource(dir), null, null, null, ChannelPolicy.KEEP));
    }

    /** Reads one split from an images file and a labels file, at native size. */
    public static ImageDataset read(Path imagesFile, Path labelsFile, String name) throws IOException {
        return ImageAssembler.assemble(source(imagesFile, labelsFile, name), null, null, null, ChannelPolicy.KEEP);
    }

    /** True if all four files (gzipped or not) are in {@code dir}. */
    public static boolean isPresent(Path dir) {
        return dir != null && missingFiles(dir).isEmpty();
    }

    /** The published names of the files not found in {@code dir}. */
    static List<String> missingFiles(Path dir) {
        List<String> missing = new ArrayList<>();
        for (String f : FILE_NAMES) {
            if (find(dir, f) == null) {
                missing.add(f);
            }
        }
        return missing;
    }

    static ImageSource trainSource(Path dir) throws IOException {
        return source(require(dir, FILE_NAMES.get(0)), require(dir, FILE_NAMES.get(1)), "fashion-mnist-train");
    }

    static ImageSource testSource(Path dir) throws IOException {
        return source(require(dir, FILE_NAMES.get(2)), require(dir, FILE_NAMES.get(3)), "fashion-mnist-test");
    }

    static ImageSource source(Path imagesFile, Path labelsFile, String name) throws IOException {
        IdxFiles.Idx images = IdxFiles.read(imagesFile, 3);
        IdxFiles.Idx labels = IdxFiles.read(labelsFile, 1);
        int n = images.dims[0];
        if (labels.dims[0] != n) {
            throw new IOException(labelsFile + " has " + labels.dims[0] + " labels but " + imagesFile + " has " + n
                    + " images; the two files do not belong together");
        }
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = labels.bytes[labels.dataOffset + i] & 0xFF;
            if (l[i] >= CLASS_NAMES.size()) {
                throw new IOException(labelsFile + ": label " + l[i] + " at index " + i + " is outside 0.."
                        + (CLASS_NAMES.size() - 1));
            }
        }
        int h = images.dims[1];
        int w = images.dims[2];
        return new PackedImageSource(name, CLASS_NAMES, images.bytes, images.dataOffset, h * w, 1, h, w, l);
    }

    /** The file {@code gzName} in {@code dir}, or its un-gzipped variant, or {@code null}. */
    static Path find(Path dir, String gzName) {
        Path gz = dir.resolve(gzName);
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path plain = dir.resolve(gzName.substring(0, gzName.length() - ".gz".length()));
        return Files.isRegularFile(plain) ? plain : null;
    }

    private static Path require(Path dir, String gzName) throws IOException {
        Path p = find(dir, gzName);
        if (p == null) {
            throw new java.nio.file.NoSuchFileException(dir.resolve(gzName).toString(), null,
                    "Fashion-MNIST file missing (also looked for the un-gzipped name)");
        }
        return p;
    }
}
