package io.github.learnpad.data;

import javax.imageio.ImageIO;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads a folder of images with one sub-folder per class ({@code ROOT/cat/001.png}, {@code ROOT/dog/a.jpg}, ...),
 * decoded with {@code javax.imageio} (PNG, JPEG, BMP, GIF; no OpenCV).
 *
 * <ul>
 *   <li>Classes are the sub-folder names in sorted order; label {@code i} is the {@code i}-th name.</li>
 *   <li>Files with the extensions png, jpg, jpeg, bmp, gif (any case) are images; other files and hidden files
 *       (name starting with '.') are ignored.</li>
 *   <li>If ROOT has {@code train/} and {@code test/} sub-folders, each holds the class sub-folders and is used as
 *       that split (test classes must be among the train classes). Otherwise a seeded stratified split holds out
 *       {@code round(testFraction * n_c)} files of each class {@code c} (at most {@code n_c - 1}) for the test set,
 *       chosen by shuffling the file-name-sorted list with {@code java.util.Random(seed)}.</li>
 *   <li>Grey images (colour space GRAY, 8 or 16 bit, any alpha ignored) give 1 channel; others give 3 channels
 *       (sRGB via {@code BufferedImage.getRGB}, alpha ignored). With {@link ChannelPolicy#KEEP} the dataset is grey
 *       only if every image of both splits is grey; otherwise grey images are replicated into R, G, B.</li>
 *   <li>A file that cannot be decoded raises an {@link IOException} naming it.</li>
 * </ul>
 */
public final class ImageFolderReader {
    private static final List<String> EXTENSIONS = List.of("png", "jpg", "jpeg", "bmp", "gif");

    private ImageFolderReader() {
    }

    /**
     * Reads both splits at native size (all images must then have one size). The splits get the same channels: 1 if
     * every image of both is grey, else 3.
     */
    public static TrainTest load(Path root, double testFraction, long seed) throws IOException {
        Sources s = sources(root, testFraction, seed);
        return ImageAssembler.assemblePair(s.train, null, s.test, null, null, null, ChannelPolicy.KEEP);
    }

    /** Decodes one image file to 8-bit planes. */
    static RawImage decode(Path file) throws IOException {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": cannot decode image (" + e.getMessage() + ")", e);
        }
        if (img == null) {
            throw new IOException(file + ": not a readable image (javax.imageio has no decoder for its content); "
                    + "use PNG or JPEG, or remove the file");
        }
        int h = img.getHeight();
        int w = img.getWidth();
        boolean grey = img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && img.getColorModel().getNumColorComponents() == 1;
        if (grey) {
            Raster r = img.getRaster();
            int bits = img.getColorModel().getComponentSize(0);
            long max = (1L << bits) - 1;
            byte[] px = new byte[h * w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    long v = r.getSample(x, y, 0);
                    px[y * w + x] = (byte) (bits == 8 ? v : (v * 255 + max / 2) / max);
                }
            }
            return new RawImage(1, h, w, px);
        }
        byte[] px = new byte[3 * h * w];
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = img.getRGB(x, y);
                int i = y * w + x;
                px[i] = (byte) (argb >> 16);
                px[plane + i] = (byte) (argb >> 8);
                px[2 * plane + i] = (byte) argb;
            }
        }
        return new RawImage(3, h, w, px);
    }

    /** The train and test image sources of a folder. */
    static final class Sources {
        final ImageSource train;
        final ImageSource test;

        Sources(ImageSource train, ImageSource test) {
            this.train = train;
            this.test = test;
        }
    }

    static Sources sources(Path root, double testFraction, long seed) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new java.nio.file.NoSuchFileException(root.toString(), null,
                    "image folder not found (folder:PATH needs a directory with one sub-folder per class)");
        }
        String base = root.toAbsolutePath().normalize().getFileName() == null ? "folder"
                : root.toAbsolutePath().normalize().getFileName().toString();
        Path trainDir = root.resolve("train");
        Path testDir = root.resolve("test");
        if (Files.isDirectory(trainDir) && Files.isDirectory(testDir)) {
            List<String> classes = classFolders(trainDir, 2);
            List<String> testClasses = classFolders(testDir, 1);
            for (String c : testClasses) {
                if (!classes.contains(c)) {
                    throw new IOException(testDir.resolve(c) + ": class '" + c + "' is in test/ but not in train/ "
                            + "(train classes: " + classes + ")");
                }
            }
            List<Path> trFiles = new ArrayList<>();
            List<Integer> trLabels = new ArrayList<>();
            List<Path> teFiles = new ArrayList<>();
            List<Integer> teLabels = new ArrayList<>();
            for (int c = 0; c < classes.size(); c++) {
                for (Path f : imageFiles(trainDir.resolve(classes.get(c)))) {
                    trFiles.add(f);
                    trLabels.add(c);
                }
                Path tc = testDir.resolve(classes.get(c));
                if (Files.isDirectory(tc)) {
                    for (Path f : imageFiles(tc)) {
                        teFiles.add(f);
                        teLabels.add(c);
                    }
                }
            }
            requireNonEmpty(trainDir, trFiles);
            requireNonEmpty(testDir, teFiles);
            return new Sources(new FolderSource(base + "-train", classes, trFiles, trLabels),
                    new FolderSource(base + "-test", classes, teFiles, teLabels));
        }
        List<String> classes = classFolders(root, 2);
        Random rnd = new Random(seed);
        List<Path> trFiles = new ArrayList<>();
        List<Integer> trLabels = new ArrayList<>();
        List<Path> teFiles = new ArrayList<>();
        List<Integer> teLabels = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            List<Path> files = imageFiles(root.resolve(classes.get(c)));
            List<Path> shuffled = new ArrayList<>(files);
            java.util.Collections.shuffle(shuffled, rnd);
            int nTest = (int) Math.min(Math.round(testFraction * files.size()), Math.max(0, files.size() - 1));
            java.util.Set<Path> test = new java.util.HashSet<>(shuffled.subList(0, nTest));
            for (Path f : files) {
                if (test.contains(f)) {
                    teFiles.add(f);
                    teLabels.add(c);
                } else {
                    trFiles.add(f);
                    trLabels.add(c);
                }
            }
        }
        requireNonEmpty(root, trFiles);
        if (teFiles.isEmpty()) {
            throw new IOException(root + ": too few images for a " + testFraction + " test split (every class has one "
                    + "image or the fraction rounds to zero); add images, raise the test fraction, or provide train/ and test/ folders");
        }
        return new Sources(new FolderSource(base + "-train", classes, trFiles, trLabels),
                new FolderSource(base + "-test", classes, teFiles, teLabels));
    }

    private static void requireNonEmpty(Path dir, List<Path> files) throws IOException {
        if (files.isEmpty()) {
            throw new IOException(dir + ": no images found (expected " + EXTENSIONS + " files inside one sub-folder per class)");
        }
    }

    private static List<String> classFolders(Path dir, int min) throws IOException {
        List<String> names;
        try (Stream<Path> s = Files.list(dir)) {
            names = s.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith("."))
                    .sorted()
                    .collect(Collectors.toList());
        }
        if (names.size() < min) {
            throw new IOException(dir + ": found " + names.size() + " class sub-folder(s) " + names
                    + "; a classification folder needs one sub-folder per class, at least " + min);
        }
        return names;
    }

    private static List<Path> imageFiles(Path classDir) throws IOException {
        try (Stream<Path> s = Files.list(classDir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> {
                        String n = p.getFileName().toString();
                        int dot = n.lastIndexOf('.');
                        return !n.startsWith(".") && dot > 0
                                && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
                    })
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    /** Lazily decoded image files with labels. */
    private static final class FolderSource implements ImageSource {
        private final String name;
        private final List<String> classNames;
        private final List<Path> files;
        private final int[] labels;

        FolderSource(String name, List<String> classNames, List<Path> files, List<Integer> labels) {
            this.name = name;
            this.classNames = List.copyOf(classNames);
            this.files = List.copyOf(files);
            this.labels = labels.stream().mapToInt(Integer::intValue).toArray();
        }

        @Override public String name() { return name; }
        @Override public List<String> classNames() { return classNames; }
        @Override public int size() { return files.size(); }
        @Override public int label(int i) { return labels[i]; }
        @Override public int fixedChannels() { return -1; }
        @Override public int fixedHeight() { return -1; }
        @Override public int fixedWidth() { return -1; }
        @Override public RawImage image(int i) throws IOException { return decode(files.get(i)); }
    }
}
