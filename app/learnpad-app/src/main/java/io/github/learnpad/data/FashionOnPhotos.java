package io.github.learnpad.data;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Fashion-MNIST items on photographic backgrounds ({@code --dataset fashion-on-photos}): a classification set whose
 * borders carry content, built on the fly, deterministically from a seed, the same for every padding. The labels are
 * Fashion-MNIST's.
 *
 * <p>How image {@code i} of a split is composed (all choices fixed before any result was seen):
 * <ul>
 *   <li><b>Photographs</b>: every {@code .jpg}/{@code .png} directly in the photo folder (default: the 12 nature
 *   photographs of Debian's {@code mate-backgrounds}, {@value #DEBIAN_PHOTOS}, the ones the realism study and the photo
 *   tiles use), sorted by name, each scaled by area averaging to {@value #PHOTO_HEIGHT} pixels high (width by its
 *   aspect ratio).</li>
 *   <li><b>Disjoint backgrounds</b>: the left {@value #TRAIN_PERCENT}% of each scaled photograph's columns serve the
 *   training split, the rest the test split; no pixel of a test background ever appears in a training image, the
 *   shifted test images included.</li>
 *   <li><b>Background</b>: a photograph chosen uniformly, then a {@value #SIZE} x {@value #SIZE} crop at a uniform
 *   position inside its split's region, at least {@value #MARGIN} pixels from the region's edges, so the border-shift
 *   evaluation (up to {@value #MARGIN} pixels) can continue the crop.</li>
 *   <li><b>Item</b>: Fashion-MNIST image {@code i} of the same split at its native 28 x 28 (no resizing), at a uniform
 *   offset of 0-4 pixels in each axis inside the crop.</li>
 *   <li><b>Mask</b>: an item pixel covers the background when its intensity is at least {@value #MASK_THRESHOLD}/255
 *   (Fashion-MNIST's background is 0, with faint noise); it then replaces all three channels by its grey value. The
 *   rest of the crop stays visible: every border is photographic texture.</li>
 *   <li><b>Colour</b>: 3 channels, keeping the photographs' colour information (the item stays grey).</li>
 *   <li><b>Randomness</b>: each image's choices come from a {@link SplittableRandom} seeded from (seed, split, i)
 *   only, so subsets pick the same composed images as the full set.</li>
 * </ul>
 * The border-shift evaluation composes the shifted image again ({@link #shifted}): the item moves by (dx, dy) inside a
 * crop window that moves the other way over the photograph, so the uncovered strip shows the photograph's continuation
 * ("continued-background"), not a transformation of the finished image.
 */
public final class FashionOnPhotos {
    /** Side of a composed image. */
    public static final int SIZE = 32;
    /** Distance kept between a crop and its region's edges: the largest shift that can be composed. */
    public static final int MARGIN = 8;
    /** Height every photograph is scaled to. */
    public static final int PHOTO_HEIGHT = 160;
    /** Share of each photograph's columns (from the left) that the training split's backgrounds come from. */
    public static final int TRAIN_PERCENT = 75;
    /** Item pixels at or above this 8-bit intensity cover the background. */
    public static final int MASK_THRESHOLD = 10;
    /** The largest offset of the 28 x 28 item inside the 32 x 32 crop, per axis. */
    public static final int MAX_ITEM_OFFSET = SIZE - 28;
    /** Debian's {@code mate-backgrounds} nature photographs. */
    public static final Path DEBIAN_PHOTOS = Path.of("/usr/share/backgrounds/mate/nature");
    /** Environment variable naming another photo folder. */
    public static final String PHOTOS_ENV = "LEARNPAD_PHOTOS_DIR";
    /** The name of the continuation the border-shift evaluation uses. */
    public static final String FILL = "continued-background";

    /** The training or the test split. */
    public enum Split { TRAIN, TEST }

    /** Scaled photographs, {@code [photo][channel][y][x]} unsigned bytes, with their names and source checksums. */
    public static final class Photos {
        final List<String> names;
        final List<String> sha256;
        final byte[][] pixels;
        final int[] widths;

        Photos(List<String> names, List<String> sha256, byte[][] pixels, int[] widths) {
            this.names = List.copyOf(names);
            this.sha256 = List.copyOf(sha256);
            this.pixels = pixels;
            this.widths = widths;
        }

        public int size() { return names.size(); }

        /** First column of a split's region in photograph {@code p}. */
        int regionStart(int p, Split s) {
            return s == Split.TRAIN ? 0 : widths[p] * TRAIN_PERCENT / 100;
        }

        /** One past the last column of a split's region in photograph {@code p}. */
        int regionEnd(int p, Split s) {
            return s == Split.TRAIN ? widths[p] * TRAIN_PERCENT / 100 : widths[p];
        }

        int at(int p, int c, int y, int x) {
            return pixels[p][(c * PHOTO_HEIGHT + y) * widths[p] + x] & 0xFF;
        }
    }

    private FashionOnPhotos() {
    }

    /** The photo folder: {@code explicit} if given, else {@value #PHOTOS_ENV}, else {@link #DEBIAN_PHOTOS}. */
    public static Path photoDir(Path explicit) {
        if (explicit != null) {
            return explicit;
        }
        String env = System.getenv(PHOTOS_ENV);
        return env != null && !env.isBlank() ? Path.of(env) : DEBIAN_PHOTOS;
    }

    /**
     * Reads and scales every photograph in {@code dir}.
     *
     * @throws IOException naming the folder and how to get the photographs when there are none, or a photograph
     *                     that is unreadable or too narrow for disjoint regions
     */
    public static Photos photos(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g)"))
                        .sorted().forEach(files::add);
            }
        }
        if (files.isEmpty()) {
            throw new java.nio.file.NoSuchFileException(dir.toString(), null, "no .jpg/.png photographs for "
                    + "fashion-on-photos. Install them with `sudo apt-get install -y mate-backgrounds` (Debian/Ubuntu, "
                    + DEBIAN_PHOTOS + "), or name a folder of photographs: --dataset fashion-on-photos:DIR or "
                    + PHOTOS_ENV + "=DIR");
        }
        List<String> names = new ArrayList<>();
        List<String> sums = new ArrayList<>();
        byte[][] pixels = new byte[files.size()][];
        int[] widths = new int[files.size()];
        int need = SIZE + 2 * MARGIN;
        for (int k = 0; k < files.size(); k++) {
            Path f = files.get(k);
            BufferedImage src = ImageIO.read(f.toFile());
            if (src == null) {
                throw new IOException(f + ": not a readable image");
            }
            int w = (int) Math.round((double) src.getWidth() * PHOTO_HEIGHT / src.getHeight());
            if (w * (100 - TRAIN_PERCENT) / 100 < need || PHOTO_HEIGHT < need) {
                throw new IOException(f + " is too narrow: scaled to " + PHOTO_HEIGHT + " pixels high it is " + w
                        + " wide, and its test region (the right " + (100 - TRAIN_PERCENT) + "%) needs " + need
                        + " columns; use photographs at least " + (need * 100 / (100 - TRAIN_PERCENT) + 1) + ":"
                        + PHOTO_HEIGHT + " wide:high");
            }
            BufferedImage scaled = new BufferedImage(w, PHOTO_HEIGHT, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = scaled.createGraphics();
            g.drawImage(src.getScaledInstance(w, PHOTO_HEIGHT, Image.SCALE_AREA_AVERAGING), 0, 0, null);
            g.dispose();
            byte[] px = new byte[3 * PHOTO_HEIGHT * w];
            for (int y = 0; y < PHOTO_HEIGHT; y++) {
                for (int x = 0; x < w; x++) {
                    int rgb = scaled.getRGB(x, y);
                    px[(0 * PHOTO_HEIGHT + y) * w + x] = (byte) (rgb >> 16);
                    px[(1 * PHOTO_HEIGHT + y) * w + x] = (byte) (rgb >> 8);
                    px[(2 * PHOTO_HEIGHT + y) * w + x] = (byte) rgb;
                }
            }
            names.add(f.getFileName().toString());
            sums.add(sha256(f));
            pixels[k] = px;
            widths[k] = w;
        }
        return new Photos(names, sums, pixels, widths);
    }

    /** One image's random choices. */
    record Placement(int photo, int x0, int y0, int itemX, int itemY) {
    }

    /** The placement of image {@code i} of {@code split}, from (seed, split, i) only. */
    static Placement placement(Photos photos, Split split, long seed, int i) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L
                + (split == Split.TRAIN ? 0 : 0x5851F42D4C957F2DL) + i);
        int p = r.nextInt(photos.size());
        int lo = photos.regionStart(p, split) + MARGIN;
        int hi = photos.regionEnd(p, split) - MARGIN - SIZE; // inclusive
        int x0 = lo + r.nextInt(hi - lo + 1);
        int y0 = MARGIN + r.nextInt(PHOTO_HEIGHT - 2 * MARGIN - SIZE + 1);
        return new Placement(p, x0, y0, r.nextInt(MAX_ITEM_OFFSET + 1), r.nextInt(MAX_ITEM_OFFSET + 1));
    }

    /**
     * The composed images of a split: {@code items} (a Fashion-MNIST split, 28 x 28 grey) on {@code photos}, with the
     * content moved by {@code (dx, dy)} (0, 0: the images themselves).
     */
    static ImageSource source(ImageSource items, Photos photos, Split split, long seed, int dx, int dy) {
        if (items.fixedChannels() != 1 || items.fixedHeight() != 28 || items.fixedWidth() != 28) {
            throw new IllegalArgumentException("fashion-on-photos needs Fashion-MNIST's 28 x 28 grey items, got "
                    + items.fixedChannels() + " x " + items.fixedHeight() + " x " + items.fixedWidth());
        }
        if (Math.abs(dx) > MARGIN || Math.abs(dy) > MARGIN) {
            throw new IllegalArgumentException("fashion-on-photos composes shifts up to " + MARGIN + " pixels, got ("
                    + dx + ", " + dy + ")");
        }
        String name = "fashion-on-photos-" + split.name().toLowerCase(Locale.ROOT);
        return new ImageSource() {
            @Override public String name() { return name; }
            @Override public List<String> classNames() { return items.classNames(); }
            @Override public int size() { return items.size(); }
            @Override public int label(int i) { return items.label(i); }
            @Override public int fixedChannels() { return 3; }
            @Override public int fixedHeight() { return SIZE; }
            @Override public int fixedWidth() { return SIZE; }

            @Override
            public RawImage image(int i) throws IOException {
                return compose(items.image(i), photos, placement(photos, split, seed, i), dx, dy);
            }
        };
    }

    /** Composes one image; the content (background and item) moved by (dx, dy). */
    static RawImage compose(RawImage item, Photos photos, Placement pl, int dx, int dy) {
        byte[] out = new byte[3 * SIZE * SIZE];
        int x0 = pl.x0() - dx;
        int y0 = pl.y0() - dy;
        int ix = pl.itemX() + dx;
        int iy = pl.itemY() + dy;
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int u = y - iy;
                int v = x - ix;
                int grey = u >= 0 && u < 28 && v >= 0 && v < 28 ? item.pixels[u * 28 + v] & 0xFF : 0;
                for (int c = 0; c < 3; c++) {
                    int px = grey >= MASK_THRESHOLD ? grey : photos.at(pl.photo(), c, y0 + y, x0 + x);
                    out[(c * SIZE + y) * SIZE + x] = (byte) px;
                }
            }
        }
        return new RawImage(3, SIZE, SIZE, out);
    }

    /**
     * What the dataset was built from, to record with every run: the composition's parameters, each photograph's
     * name and SHA-256, and the Fashion-MNIST files' SHA-256.
     */
    public static Map<String, Object> describe(Photos photos, Path fashionDir, long seed) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("composition", String.format(Locale.ROOT, "seed %d; photos scaled to %d px high; train backgrounds from "
                + "the left %d%% of each photo, test from the rest; %dx%d crops >= %d px inside their region; item "
                + "28x28 at offset 0-%d; mask: intensity >= %d/255; colour", seed, PHOTO_HEIGHT, TRAIN_PERCENT, SIZE,
                SIZE, MARGIN, MAX_ITEM_OFFSET, MASK_THRESHOLD));
        Map<String, Object> ph = new LinkedHashMap<>();
        for (int i = 0; i < photos.size(); i++) {
            ph.put(photos.names.get(i), photos.sha256.get(i));
        }
        m.put("photos", ph);
        m.put("fashionMnist", fashionChecksums(fashionDir));
        return m;
    }

    /** SHA-256 of the four Fashion-MNIST files in {@code dir}, by file name. */
    public static Map<String, Object> fashionChecksums(Path dir) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String f : FashionMnistReader.FILE_NAMES) {
            Path p = FashionMnistReader.find(dir, f);
            if (p != null) {
                m.put(p.getFileName().toString(), sha256(p));
            }
        }
        return m;
    }

    static String sha256(Path f) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(f), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        StringBuilder sb = new StringBuilder();
        for (byte b : md.digest()) {
            sb.append(String.format("%02x", b));
        }
        return sb.toString();
    }
}
