package io.github.learnpad.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CIFAR-10 from its standard binary files ({@code data_batch_1.bin} .. {@code data_batch_5.bin},
 * {@code test_batch.bin}) in a directory or its {@code cifar-10-batches-bin} sub-folder. Each file is a sequence of
 * 3073-byte records: 1 label byte (0..9), then 3072 pixel bytes, the R, G and B planes of a 32x32 image, row-major.
 * Features are {@code (N, 3, 32, 32)} in [0, 1] (byte / 255); 50000 train, 10000 test.
 *
 * <p>Class names come from {@code batches.meta.txt} (one per line) when present, else {@link #CLASS_NAMES}. A file
 * whose length is not a positive multiple of 3073, or with a label above 9, raises an {@link IOException} naming it.
 * (DL4J's own CIFAR loaders are not used: one needs OpenCV and a PNG archive, the other misnames a file.)
 */
public final class Cifar10Reader {
    /** The standard class names, in label order. */
    public static final List<String> CLASS_NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
            "frog", "horse", "ship", "truck");
    public static final List<String> TRAIN_FILES = List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
            "data_batch_4.bin", "data_batch_5.bin");
    public static final String TEST_FILE = "test_batch.bin";
    /** The sub-folder the official archive extracts to. */
    public static final String BATCH_FOLDER = "cifar-10-batches-bin";
    public static final int SIDE = 32;
    public static final int RECORD_BYTES = 1 + 3 * SIDE * SIDE;

    private Cifar10Reader() {
    }

    /** Reads both splits from {@code dir} (or {@code dir/cifar-10-batches-bin}) at native size. */
    public static TrainTest load(Path dir) throws IOException {
        Path d = batchDir(dir);
        if (d == null) {
            throw new java.nio.file.NoSuchFileException(dir.toString(), null, "no CIFAR-10 binary files; missing "
                    + missingFiles(dir));
        }
        return new TrainTest(ImageAssembler.assemble(trainSource(d), null, null, null, ChannelPolicy.KEEP),
                ImageAssembler.assemble(testSource(d), null, null, null, ChannelPolicy.KEEP));
    }

    /** Reads the given binary files, in order, as one dataset at native size. */
    public static ImageDataset read(List<Path> files, List<String> classNames, String name) throws IOException {
        return ImageAssembler.assemble(source(files, classNames, name), null, null, null, ChannelPolicy.KEEP);
    }

    /**
     * The directory holding all six binary files: {@code dir} itself or {@code dir/cifar-10-batches-bin}; {@code null}
     * if neither has them all.
     */
    public static Path batchDir(Path dir) {
        if (dir == null) {
            return null;
        }
        for (Path d : List.of(dir, dir.resolve(BATCH_FOLDER))) {
            if (allPresent(d)) {
                return d;
            }
        }
        return null;
    }

    static List<String> missingFiles(Path dir) {
        List<String> missing = new ArrayList<>();
        for (String f : allFiles()) {
            if (!Files.isRegularFile(dir.resolve(f)) && !Files.isRegularFile(dir.resolve(BATCH_FOLDER).resolve(f))) {
                missing.add(f);
            }
        }
        return missing;
    }

    private static boolean allPresent(Path d) {
        for (String f : allFiles()) {
            if (!Files.isRegularFile(d.resolve(f))) {
                return false;
            }
        }
        return true;
    }

    private static List<String> allFiles() {
        List<String> all = new ArrayList<>(TRAIN_FILES);
        all.add(TEST_FILE);
        return all;
    }

    static ImageSource trainSource(Path batchDir) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String f : TRAIN_FILES) {
            files.add(batchDir.resolve(f));
        }
        return source(files, classNames(batchDir), "cifar10-train");
    }

    static ImageSource testSource(Path batchDir) throws IOException {
        return source(List.of(batchDir.resolve(TEST_FILE)), classNames(batchDir), "cifar10-test");
    }

    /** Names from {@code batches.meta.txt} (non-blank lines) if it exists, else {@link #CLASS_NAMES}. */
    static List<String> classNames(Path batchDir) throws IOException {
        Path meta = batchDir.resolve("batches.meta.txt");
        if (!Files.isRegularFile(meta)) {
            return CLASS_NAMES;
        }
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(meta, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                names.add(line.trim());
            }
        }
        if (names.size() != CLASS_NAMES.size()) {
            throw new IOException(meta + ": expected " + CLASS_NAMES.size() + " class names (one per line), found "
                    + names.size() + "; fix or delete the file to use the standard names");
        }
        return names;
    }

    static ImageSource source(List<Path> files, List<String> classNames, String name) throws IOException {
        long total = 0;
        for (Path f : files) {
            long len = Files.size(f);
            if (len == 0 || len % RECORD_BYTES != 0) {
                throw new IOException(f + ": length " + len + " bytes is not a positive multiple of the CIFAR-10 record size "
                        + RECORD_BYTES + " (1 label byte + 3072 pixel bytes); the file is truncated or not a CIFAR-10 binary batch");
            }
            total += len;
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IOException("CIFAR-10 files too large to hold in memory together: " + total + " bytes");
        }
        byte[] data = new byte[(int) total];
        int at = 0;
        for (Path f : files) {
            int len = (int) Files.size(f);
            try (InputStream in = Files.newInputStream(f)) {
                int got = in.readNBytes(data, at, len);
                if (got != len) {
                    throw new IOException(f + ": read " + got + " bytes, expected " + len + " (file changed while reading?)");
                }
            }
            at += len;
        }
        int n = (int) (total / RECORD_BYTES);
        int[] labels = new int[n];
        int fileIndex = 0;
        long fileEnd = Files.size(files.get(0)) / RECORD_BYTES;
        for (int i = 0; i < n; i++) {
            while (i >= fileEnd) {
                fileIndex++;
                fileEnd += Files.size(files.get(fileIndex)) / RECORD_BYTES;
            }
            labels[i] = data[i * RECORD_BYTES] & 0xFF;
            if (labels[i] >= classNames.size()) {
                long first = fileEnd - Files.size(files.get(fileIndex)) / RECORD_BYTES;
                throw new IOException(files.get(fileIndex) + ": record " + (i - first) + " has label " + labels[i]
                        + ", outside 0.." + (classNames.size() - 1) + "; the file is corrupt or not a CIFAR-10 batch");
            }
        }
        return new PackedImageSource(name, classNames, data, 1, RECORD_BYTES, 3, SIDE, SIDE, labels);
    }
}
