package io.github.learnpad.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads a dataset's train and test splits as {@link ImageDataset}s ready for a network.
 *
 * <p>Steps: find the files ({@link DataLocations}; with {@link DataOptions#download()} fetch them via
 * {@link Downloader} when absent), pick the seeded subsets ({@code trainLimit}, {@code testLimit}; the same images
 * {@link ImageDataset#subset(int, long)} would keep, but chosen before decoding so small runs are fast), scale bytes to
 * [0, 1], convert channels ({@link ChannelPolicy}) and resize to the target size by bilinear interpolation
 * ({@link BilinearResizer}; never padding). Result features are {@code (N, C, H, W)} FLOAT.
 */
public final class Datasets {
    private Datasets() {
    }

    /**
     * Loads {@code spec} with {@code options}.
     *
     * @throws IOException              when files are missing (the message says how to get them) or corrupt
     * @throws IllegalArgumentException for inconsistent data, e.g. differently sized folder images without a target size
     */
    public static TrainTest load(DatasetSpec spec, DataOptions options) throws IOException {
        return load(spec, options, DataLocations.system(), new Downloader());
    }

    /** As {@link #load(DatasetSpec, DataOptions)} with explicit locations and downloader (tests, embedding). */
    public static TrainTest load(DatasetSpec spec, DataOptions options, DataLocations locations, Downloader downloader)
            throws IOException {
        ImageSource train;
        ImageSource test;
        java.util.Map<String, Object> sources = java.util.Map.of();
        switch (spec.kind()) {
            case FASHION_MNIST: {
                Path dir = findOrDownload(spec, options, locations, downloader);
                train = FashionMnistReader.trainSource(dir);
                test = FashionMnistReader.testSource(dir);
                sources = java.util.Map.of("fashionMnist", FashionOnPhotos.fashionChecksums(dir));
                break;
            }
            case FASHION_MNIST_SAMPLE: {
                Path dir = FashionMnistSample.dir();
                train = FashionMnistReader.trainSource(dir);
                test = FashionMnistReader.testSource(dir);
                break;
            }
            case CIFAR10: {
                Path dir = Cifar10Reader.batchDir(findOrDownload(spec, options, locations, downloader));
                train = Cifar10Reader.trainSource(dir);
                test = Cifar10Reader.testSource(dir);
                break;
            }
            case FASHION_ON_PHOTOS:
                return fashionOnPhotos(spec, options, locations, downloader);
            case FOLDER: {
                ImageFolderReader.Sources s = ImageFolderReader.sources(spec.folder(), options.testFraction(), options.seed());
                train = s.train;
                test = s.test;
                break;
            }
            default:
                throw new IllegalStateException("unknown dataset kind " + spec.kind());
        }
        TrainTest tt = ImageAssembler.assemblePair(train, indices(train, options.trainLimit(), options.seed()),
                test, indices(test, options.testLimit(), options.seed()), options.height(), options.width(),
                options.channels());
        if (spec.kind() == DatasetSpec.Kind.FASHION_MNIST || spec.kind() == DatasetSpec.Kind.FASHION_MNIST_SAMPLE) {
            // Fashion-MNIST's own background is black: the border-shift fill that favours no padding.
            ImageDataset t = tt.test();
            return new TrainTest(tt.train().withSources(sources), t.withNaturalShift(
                    ShiftedRendering.constant("black", t.features(), 0)).withSources(sources));
        }
        return tt;
    }

    /**
     * Fashion-MNIST (found like {@code fashion-mnist}, honouring --data-dir and --download) composed onto the
     * photographs ({@link FashionOnPhotos}); the composition seed is the options' seed. The test set continues its
     * backgrounds for the border shift, and both splits carry the sources' checksums.
     */
    private static TrainTest fashionOnPhotos(DatasetSpec spec, DataOptions options, DataLocations locations,
            Downloader downloader) throws IOException {
        Path fashionDir = findOrDownload(DatasetSpec.fashionMnist(), options, locations, downloader);
        FashionOnPhotos.Photos photos = FashionOnPhotos.photos(FashionOnPhotos.photoDir(spec.folder()));
        long seed = options.seed();
        ImageSource items = FashionMnistReader.testSource(fashionDir);
        ImageSource train = FashionOnPhotos.source(FashionMnistReader.trainSource(fashionDir), photos,
                FashionOnPhotos.Split.TRAIN, seed, 0, 0);
        ImageSource test = FashionOnPhotos.source(items, photos, FashionOnPhotos.Split.TEST, seed, 0, 0);
        int[] testIdx = indices(test, options.testLimit(), seed);
        TrainTest tt = ImageAssembler.assemblePair(train, indices(train, options.trainLimit(), seed), test, testIdx,
                options.height(), options.width(), options.channels());
        java.util.Map<String, Object> sources = FashionOnPhotos.describe(photos, fashionDir, seed);
        ImageDataset t = tt.test();
        Integer h = options.height();
        Integer w = options.width();
        ChannelPolicy channels = t.channels() == 3 ? ChannelPolicy.RGB : ChannelPolicy.GREY;
        ShiftedRendering continued = new ShiftedRendering() {
            @Override
            public String fill() {
                return FashionOnPhotos.FILL;
            }

            @Override
            public org.nd4j.linalg.api.ndarray.INDArray render(int dx, int dy) {
                try {
                    return ImageAssembler.assemble(FashionOnPhotos.source(items, photos, FashionOnPhotos.Split.TEST,
                            seed, dx, dy), testIdx, h, w, channels).features();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        return new TrainTest(tt.train().withSources(sources), t.withNaturalShift(continued).withSources(sources));
    }

    /**
     * The directory holding the files of a downloadable dataset, downloading into
     * {@link DataLocations#downloadDir} when allowed and needed.
     */
    static Path findOrDownload(DatasetSpec spec, DataOptions options, DataLocations locations, Downloader downloader)
            throws IOException {
        DatasetSpec.Kind kind = spec.kind();
        List<Path> candidates = locations.candidates(kind, options.dataDir());
        for (Path c : candidates) {
            if (isPresent(kind, c)) {
                return c;
            }
        }
        if (options.download()) {
            Path target = locations.downloadDir(kind, options.dataDir());
            if (kind == DatasetSpec.Kind.FASHION_MNIST) {
                downloader.fetchFashionMnist(target);
            } else {
                downloader.fetchCifar10(target);
            }
            if (!isPresent(kind, target)) {
                throw new IOException("Download finished but the " + spec.name() + " files are still missing in " + target);
            }
            return target;
        }
        throw new java.nio.file.NoSuchFileException(missingMessage(spec, candidates, locations.downloadDir(kind, options.dataDir())));
    }

    private static boolean isPresent(DatasetSpec.Kind kind, Path dir) {
        return kind == DatasetSpec.Kind.FASHION_MNIST ? FashionMnistReader.isPresent(dir) : Cifar10Reader.batchDir(dir) != null;
    }

    private static String missingMessage(DatasetSpec spec, List<Path> looked, Path downloadDir) {
        StringBuilder m = new StringBuilder();
        if (spec.kind() == DatasetSpec.Kind.FASHION_MNIST) {
            m.append("Fashion-MNIST not found (looked in ").append(looked).append(" for ")
                    .append(FashionMnistReader.FILE_NAMES).append(", gzipped or not). To get it: ")
                    .append("`sudo apt-get install -y dataset-fashion-mnist` (Debian/Ubuntu, installs into ")
                    .append(DataLocations.DEBIAN_FASHION_MNIST).append("), or rerun with --download (saves to ")
                    .append(downloadDir).append("), or put the four files in a directory and pass it with --data-dir or ")
                    .append(DataLocations.FASHION_MNIST_ENV).append('.');
        } else {
            m.append("CIFAR-10 not found (looked in ").append(looked).append(" and their ").append(Cifar10Reader.BATCH_FOLDER)
                    .append(" sub-folders for ").append(Cifar10Reader.TRAIN_FILES).append(" and ").append(Cifar10Reader.TEST_FILE)
                    .append("). To get it: rerun with --download (fetches ").append(Downloader.CIFAR10_URL)
                    .append(" into ").append(downloadDir).append("), or download and extract that archive yourself and ")
                    .append("pass the directory with --data-dir or ").append(DataLocations.CIFAR10_ENV).append('.');
        }
        return m.toString();
    }

    private static int[] indices(ImageSource source, Integer limit, long seed) {
        return limit == null ? null : ImageDataset.subsetIndices(source.size(), limit, seed);
    }
}
