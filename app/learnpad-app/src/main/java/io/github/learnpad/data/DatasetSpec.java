package io.github.learnpad.data;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Which dataset to load, parsed from a command-line word.
 *
 * <p>Valid forms: {@code fashion-mnist}, {@code fashion-mnist-sample} (3,000 training and 1,000 test images shipped
 * inside the application, {@link FashionMnistSample}), {@code cifar10} (also {@code cifar-10}), and {@code folder:PATH} (a directory
 * with one sub-folder per class, or with {@code train/} and {@code test/} sub-folders that each hold one sub-folder
 * per class), and {@code fashion-on-photos} or {@code fashion-on-photos:PHOTO_DIR} (Fashion-MNIST items composed
 * onto crops of photographs, {@link FashionOnPhotos}). Names are case-insensitive.
 */
public final class DatasetSpec {

    /** The dataset families LearnPad can read. */
    public enum Kind { FASHION_MNIST, FASHION_MNIST_SAMPLE, CIFAR10, FOLDER, FASHION_ON_PHOTOS }

    /** The text listing every valid form, used in error messages. */
    public static final String VALID_FORMS = "fashion-mnist | fashion-mnist-sample | cifar10 | folder:PATH | fashion-on-photos[:PHOTO_DIR]";

    private final Kind kind;
    private final Path folder;

    private DatasetSpec(Kind kind, Path folder) {
        this.kind = kind;
        this.folder = folder;
    }

    public static DatasetSpec fashionMnist() { return new DatasetSpec(Kind.FASHION_MNIST, null); }

    /** The Fashion-MNIST sample inside the application ({@link FashionMnistSample}). */
    public static DatasetSpec fashionMnistSample() { return new DatasetSpec(Kind.FASHION_MNIST_SAMPLE, null); }

    public static DatasetSpec cifar10() { return new DatasetSpec(Kind.CIFAR10, null); }

    /**
     * Fashion-MNIST items on photographs ({@link FashionOnPhotos}); {@code photos} null: the default photo folder.
     */
    public static DatasetSpec fashionOnPhotos(Path photos) { return new DatasetSpec(Kind.FASHION_ON_PHOTOS, photos); }

    /** A folder of images with one sub-folder per class (see {@link ImageFolderReader}). */
    public static DatasetSpec folder(Path path) {
        return new DatasetSpec(Kind.FOLDER, Objects.requireNonNull(path, "path"));
    }

    /**
     * Parses {@code fashion-mnist}, {@code fashion-mnist-sample}, {@code cifar10} or {@code folder:PATH}.
     *
     * @throws IllegalArgumentException naming the bad text and listing the valid forms
     */
    public static DatasetSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("No dataset given; valid forms: " + VALID_FORMS);
        }
        String t = text.trim();
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.equals("fashion-on-photos")) {
            return fashionOnPhotos(null);
        }
        if (lower.startsWith("fashion-on-photos:")) {
            String p = t.substring("fashion-on-photos:".length()).trim();
            if (p.equals("~") || p.startsWith("~/")) {
                p = System.getProperty("user.home") + p.substring(1);
            }
            return fashionOnPhotos(p.isEmpty() ? null : Path.of(p));
        }
        if (lower.startsWith("folder:")) {
            String p = t.substring("folder:".length()).trim();
            if (p.isEmpty()) {
                throw new IllegalArgumentException("Dataset 'folder:' needs a path, e.g. folder:/data/my-images; valid forms: "
                        + VALID_FORMS);
            }
            if (p.equals("~") || p.startsWith("~/")) {
                // The shell does not expand '~' after "folder:".
                p = System.getProperty("user.home") + p.substring(1);
            }
            return folder(Path.of(p));
        }
        switch (lower) {
            case "fashion-mnist":
            case "fashion_mnist":
            case "fashionmnist":
                return fashionMnist();
            case "fashion-mnist-sample":
            case "fashion_mnist_sample":
                return fashionMnistSample();
            case "cifar10":
            case "cifar-10":
            case "cifar_10":
                return cifar10();
            default:
                throw new IllegalArgumentException("Unknown dataset '" + t + "'; valid forms: " + VALID_FORMS);
        }
    }

    public Kind kind() { return kind; }

    /**
     * The image folder for {@link Kind#FOLDER}, the photo folder for {@link Kind#FASHION_ON_PHOTOS} (null: the
     * default), otherwise {@code null}.
     */
    public Path folder() { return folder; }

    /** A short name used for the {@link ImageDataset} name and for download directories. */
    public String name() {
        switch (kind) {
            case FASHION_MNIST: return "fashion-mnist";
            case FASHION_MNIST_SAMPLE: return "fashion-mnist-sample";
            case CIFAR10: return "cifar10";
            case FASHION_ON_PHOTOS: return "fashion-on-photos";
            default: {
                Path f = folder.toAbsolutePath().normalize().getFileName();
                return f == null ? "folder" : f.toString();
            }
        }
    }

    /** The canonical text form, accepted again by {@link #parse(String)}. */
    @Override
    public String toString() {
        if (kind == Kind.FASHION_ON_PHOTOS && folder != null) {
            return "fashion-on-photos:" + folder;
        }
        return kind == Kind.FOLDER ? "folder:" + folder : name();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DatasetSpec)) {
            return false;
        }
        DatasetSpec s = (DatasetSpec) o;
        return kind == s.kind && Objects.equals(folder, s.folder);
    }

    @Override
    public int hashCode() { return Objects.hash(kind, folder); }
}
