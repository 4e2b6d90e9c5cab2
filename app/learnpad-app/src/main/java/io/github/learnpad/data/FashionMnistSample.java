package io.github.learnpad.data;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * A small Fashion-MNIST sample shipped inside the application, so that the demo and every {@code --dataset} command
 * work on a machine without the full set: dataset {@code fashion-mnist-sample}.
 * <p>
 * It is exactly the demo's own subset: the 3,000 training and 1,000 test images that
 * {@code --subset 3000 --test-subset 1000} with data seed 1 picks from the full set (seeded random indices, kept in
 * their original order), as gzip-compressed IDX files with Fashion-MNIST's names, so the demo's numbers are the same on
 * the sample as on the full set. Fashion-MNIST is Copyright 2017 Zalando SE, under the MIT licence; the notice is
 * {@code LICENSE} beside the files (resource folder {@value #RESOURCE}).
 * <p>
 * {@link #write} made the files from the full set; {@code FashionMnistSampleTest} checks them against it where the
 * full set is installed.
 */
public final class FashionMnistSample {
    /** The resource folder holding the four files and the licence notice. */
    public static final String RESOURCE = "/io/github/learnpad/data/fashion-mnist-sample";
    /** Images in the sample's training and test splits (the demo's subset sizes). */
    public static final int TRAIN = 3000;
    public static final int TEST = 1000;
    /** The data seed of the demo's subset. */
    public static final long SEED = 1;

    private FashionMnistSample() {
    }

    /**
     * The folder of the four files, readable with {@code Files} (inside the application's jar, a folder of a zip file
     * system that stays open for the JVM's life).
     */
    public static Path dir() throws IOException {
        URL url = FashionMnistSample.class.getResource(RESOURCE + "/" + FashionMnistReader.FILE_NAMES.get(0));
        if (url == null) {
            throw new IOException("The Fashion-MNIST sample is missing from the application (resource " + RESOURCE
                    + "); rebuild LearnPad (mvn -B -f app package)");
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                try {
                    FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    // opened by an earlier call
                }
            }
            return Path.of(uri).getParent();
        } catch (URISyntaxException e) {
            throw new IOException("Cannot read the Fashion-MNIST sample at " + url, e);
        }
    }

    /**
     * Writes the sample into {@code out} from the full set in {@code fullDir}: the images and labels at
     * {@code ImageDataset.subsetIndices(size, n, SEED)}, as gzipped IDX files. Refuses to overwrite existing files.
     */
    public static void write(Path fullDir, Path out) throws IOException {
        Files.createDirectories(out);
        int[] sizes = {TRAIN, TRAIN, TEST, TEST};
        for (int f = 0; f < 4; f++) {
            String name = FashionMnistReader.FILE_NAMES.get(f);
            Path target = out.resolve(name);
            if (Files.exists(target)) {
                throw new IOException(target + " exists; the sample is never overwritten");
            }
            boolean images = name.contains("images");
            IdxFiles.Idx idx = IdxFiles.read(FashionMnistReader.find(fullDir, name), images ? 3 : 1);
            int record = images ? idx.dims[1] * idx.dims[2] : 1;
            int[] pick = ImageDataset.subsetIndices(idx.dims[0], sizes[f], SEED);
            ByteBuffer header = ByteBuffer.allocate(4 + 4 * idx.dims.length);
            header.putInt((IdxFiles.UBYTE << 8) | idx.dims.length).putInt(pick.length);
            for (int d = 1; d < idx.dims.length; d++) {
                header.putInt(idx.dims[d]);
            }
            try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(target), 1 << 16)) {
                o.write(header.array());
                for (int i : pick) {
                    o.write(idx.bytes, idx.dataOffset + i * record, record);
                }
            }
        }
    }

    /** {@code java ... FashionMnistSample FULL_DIR OUT_DIR}: see {@link #write}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: FashionMnistSample FULL_FASHION_MNIST_DIR OUT_DIR");
            System.exit(2);
        }
        write(Path.of(args[0]), Path.of(args[1]));
    }
}
