package io.github.learnpad.data;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes tiny files in the dataset formats for tests. */
final class TestFiles {
    private TestFiles() {
    }

    /** IDX unsigned-byte file with the given dimensions and data. */
    static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt((0x08 << 8) | dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(raw);
        }
        return bos.toByteArray();
    }

    /** Deterministic pseudo-random pixel bytes. */
    static byte[] pixels(int n, int salt) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) ((i * 37 + salt * 101 + (i >> 3) * 13) & 0xFF);
        }
        return p;
    }

    /**
     * Writes a Fashion-MNIST style directory: {@code nTrain} and {@code nTest} images of {@code h x w}, labels
     * {@code i % 10}, pixels from {@link #pixels}. Returns the train and test image bytes (for checks).
     */
    static byte[][] writeFashion(Path dir, int nTrain, int nTest, int h, int w, boolean gz) throws IOException {
        Files.createDirectories(dir);
        byte[] trainPx = pixels(nTrain * h * w, 1);
        byte[] testPx = pixels(nTest * h * w, 2);
        write(dir, "train-images-idx3-ubyte", idx(new int[]{nTrain, h, w}, trainPx), gz);
        write(dir, "train-labels-idx1-ubyte", idx(new int[]{nTrain}, labels(nTrain)), gz);
        write(dir, "t10k-images-idx3-ubyte", idx(new int[]{nTest, h, w}, testPx), gz);
        write(dir, "t10k-labels-idx1-ubyte", idx(new int[]{nTest}, labels(nTest)), gz);
        return new byte[][]{trainPx, testPx};
    }

    static byte[] labels(int n) {
        byte[] l = new byte[n];
        for (int i = 0; i < n; i++) {
            l[i] = (byte) (i % 10);
        }
        return l;
    }

    static void write(Path dir, String name, byte[] raw, boolean gz) throws IOException {
        if (gz) {
            Files.write(dir.resolve(name + ".gz"), gzip(raw));
        } else {
            Files.write(dir.resolve(name), raw);
        }
    }

    /** A CIFAR-10 binary batch: record i has label {@code labels[i]} and pixels {@code pixels(3072, salt + i)}. */
    static byte[] cifarBatch(int[] labels, int salt) {
        ByteBuffer b = ByteBuffer.allocate(labels.length * 3073);
        for (int i = 0; i < labels.length; i++) {
            b.put((byte) labels[i]);
            b.put(pixels(3072, salt + i));
        }
        return b.array();
    }

    /** All six CIFAR-10 files, 2 records per train batch and 3 in the test batch; labels (file*2+i) % 10. */
    static void writeCifar(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (int f = 1; f <= 5; f++) {
            Files.write(dir.resolve("data_batch_" + f + ".bin"), cifarBatch(new int[]{(2 * f) % 10, (2 * f + 1) % 10}, 10 * f));
        }
        Files.write(dir.resolve("test_batch.bin"), cifarBatch(new int[]{7, 8, 9}, 100));
    }

    static void writePng(Path file, BufferedImage img) throws IOException {
        Files.createDirectories(file.getParent());
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer");
        }
    }

    /** A colour image whose pixel (x, y) is R = 10x + y + seed, G = 2R mod 256, B = 255 - R. */
    static BufferedImage colour(int w, int h, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (10 * x + y + seed) & 0xFF;
                img.setRGB(x, y, (r << 16) | (((2 * r) & 0xFF) << 8) | (255 - r));
            }
        }
        return img;
    }

    /** A grey image whose pixel (x, y) is 20x + 3y + seed. */
    static BufferedImage grey(int w, int h, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, (20 * x + 3 * y + seed) & 0xFF);
            }
        }
        return img;
    }
}
