package io.github.learnpad.realism;

import io.github.learnpad.layers.FixedPaddingOps;
import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.layers.PaddingModule;
import io.github.learnpad.layers.StandalonePaddingModule;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How realistic each padding is on images: cut away the outer band of width b, pad the centre back to the original
 * size with each mode, and compare the padded band with the real pixels that were cut away.
 *
 * <p>For a test image {@code x (C, H, W)} and band b: the centre is {@code x[:, b:H-b, b:W-b]}; each mode pads it
 * by b on every side to {@code (C, H, W)}; the per-image MSE is taken over the band pixels, per region
 * ({@link BandRegions}), and turned into a per-image PSNR ({@link Psnr}); means and 95% intervals are over images.
 *
 * <p>The LEARNED mode is a {@link PaddingModule} with padding b, one per band, trained on the training images with
 * its local loss alone (no labels): {@link Options#steps} Adam updates on random minibatches of
 * {@link Options#batchSize} whole training images. Fixed modes pad as their DL4J layers do ({@link FixedPaddingOps#pad(INDArray, PaddingMode, int)}).
 */
public final class BorderRealism {

    /** Settings. Defaults: bands 1,2,4,8, all modes, 300 steps of 32 images, Adam 1e-2, k = 2, w = 3, 6 samples. */
    public static final class Options {
        private int[] bands = {1, 2, 4, 8};
        private List<PaddingMode> modes = List.of(PaddingMode.values());
        private int steps = 300;
        private int batchSize = 32;
        private double learningRate = 1e-2;
        private int contextDepth = 2;
        private int kernelWidth = 3;
        private long seed = 42;
        private int galleryImages = 6;

        public Options bands(int... b) {
            if (b.length == 0) {
                throw new IllegalArgumentException("at least one band width is needed");
            }
            for (int v : b) {
                if (v < 1) {
                    throw new IllegalArgumentException("band widths must be >= 1, got " + v);
                }
            }
            this.bands = b.clone();
            return this;
        }

        public Options modes(List<PaddingMode> m) {
            if (m.isEmpty()) {
                throw new IllegalArgumentException("at least one padding mode is needed");
            }
            this.modes = List.copyOf(m);
            return this;
        }

        public Options steps(int s) {
            if (s < 0) {
                throw new IllegalArgumentException("steps must be >= 0, got " + s);
            }
            this.steps = s;
            return this;
        }

        public Options batchSize(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + n);
            }
            this.batchSize = n;
            return this;
        }

        public Options learningRate(double lr) {
            if (!(lr > 0)) {
                throw new IllegalArgumentException("learning rate must be > 0, got " + lr);
            }
            this.learningRate = lr;
            return this;
        }

        public Options contextDepth(int k) {
            this.contextDepth = k;
            return this;
        }

        public Options kernelWidth(int w) {
            this.kernelWidth = w;
            return this;
        }

        public Options seed(long s) {
            this.seed = s;
            return this;
        }

        public Options galleryImages(int g) {
            if (g < 0) {
                throw new IllegalArgumentException("gallery images must be >= 0, got " + g);
            }
            this.galleryImages = g;
            return this;
        }

        public int[] bands() { return bands.clone(); }
        public List<PaddingMode> modes() { return modes; }
        public int steps() { return steps; }
        public int batchSize() { return batchSize; }
        public double learningRate() { return learningRate; }
        public int contextDepth() { return contextDepth; }
        public int kernelWidth() { return kernelWidth; }
        public long seed() { return seed; }
        public int galleryImages() { return galleryImages; }
    }

    private final Options options;

    public BorderRealism(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /**
     * Measures every mode and band.
     *
     * @param name  a name for the reports
     * @param train training images {@code (Ntr, C, H, W)} in [0, 1], for the LEARNED modules (may be null when
     *              LEARNED is not among the modes)
     * @param test  test images {@code (N, C, H, W)} in [0, 1], same C as train
     */
    public BorderRealismResult run(String name, INDArray train, INDArray test) {
        check(test, "test");
        boolean learned = options.modes.contains(PaddingMode.LEARNED);
        if (learned) {
            check(train, "train");
            if (train.size(1) != test.size(1)) {
                throw new IllegalArgumentException("train images have " + train.size(1) + " channels, test images "
                        + test.size(1));
            }
        }
        int h = (int) test.size(2), w = (int) test.size(3), c = (int) test.size(1);
        for (int b : options.bands) {
            if (2 * b >= Math.min(h, w)) {
                throw new IllegalArgumentException("band " + b + " leaves no centre in " + h + "x" + w
                        + " images: use bands below " + (Math.min(h, w) + 1) / 2);
            }
        }
        INDArray testF = test.castTo(DataType.FLOAT);
        int g = (int) Math.min(options.galleryImages, test.size(0));
        List<BandResult> bands = new ArrayList<>();
        for (int b : options.bands) {
            INDArray centre = centre(testF, b);
            Map<PaddingMode, INDArray> recons = new EnumMap<>(PaddingMode.class);
            LearnedFit fit = null;
            for (PaddingMode m : options.modes) {
                INDArray recon;
                if (m == PaddingMode.LEARNED) {
                    StandalonePaddingModule module = new StandalonePaddingModule(learnedConf(b), c);
                    fit = train(module, train.castTo(DataType.FLOAT));
                    recon = module.pad(centre);
                } else {
                    try {
                        recon = FixedPaddingOps.pad(centre, m, b);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("band " + b + " is too wide for " + m.id() + " padding of the "
                                + centre.size(2) + "x" + centre.size(3) + " centre; use a narrower band ("
                                + e.getMessage() + ")", e);
                    }
                }
                recons.put(m, recon);
            }
            double[] learnedMse = learned ? overallMse(testF, recons.get(PaddingMode.LEARNED), b) : null;
            List<ModeResult> modes = new ArrayList<>();
            Map<PaddingMode, INDArray> samples = new EnumMap<>(PaddingMode.class);
            for (PaddingMode m : options.modes) {
                INDArray recon = recons.get(m);
                MeanCi vs = null;
                if (learned && m != PaddingMode.LEARNED) {
                    double[] d = overallMse(testF, recon, b);
                    for (int i = 0; i < d.length; i++) {
                        d[i] -= learnedMse[i];
                    }
                    vs = MeanCi.of(d);
                }
                modes.add(new ModeResult(m, compare(testF, recon, b), vs));
                if (g > 0) {
                    samples.put(m, spread(recon, g));
                }
            }
            bands.add(new BandResult(b, modes, fit, samples));
        }
        return new BorderRealismResult(name, learned ? (int) train.size(0) : 0, (int) test.size(0), c, h, w, bands,
                g > 0 ? spread(testF, g) : null);
    }

    /** The LEARNED configuration used for band b: padding b, the options' k, w and Adam learning rate. */
    public PaddingModule learnedConf(int b) {
        return new PaddingModule.Builder().padding(b).contextDepth(options.contextDepth)
                .kernelWidth(options.kernelWidth).predictorUpdater(new Adam(options.learningRate)).build();
    }

    /** Trains the module with its local loss alone, on random minibatches of whole training images. */
    LearnedFit train(StandalonePaddingModule module, INDArray train) {
        int n = (int) train.size(0);
        INDArray probe = first(train, Math.min(n, 512));
        double before = module.localLoss(probe);
        module.fitLocal(train, options.steps, options.batchSize, options.seed);
        return new LearnedFit(options.steps, Math.min(options.batchSize, n), before, module.localLoss(probe));
    }

    /** Per-image MSE over the whole band. */
    static double[] overallMse(INDArray truth, INDArray recon, int b) {
        int n = (int) truth.size(0), c = (int) truth.size(1), h = (int) truth.size(2), w = (int) truth.size(3);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = BandRegions.mse(image(truth, i), image(recon, i), c, h, w, b)[0];
        }
        return out;
    }

    /** {@code x[:, :, b:H-b, b:W-b]}, a copy. */
    public static INDArray centre(INDArray x, int b) {
        return x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(b, x.size(2) - b),
                NDArrayIndex.interval(b, x.size(3) - b)).dup();
    }

    /**
     * Per-region statistics of reconstructions against the real images.
     *
     * @param truth {@code (N, C, H, W)}
     * @param recon {@code (N, C, H, W)}, the padded centres
     * @param b     the band width
     */
    public static List<RegionStats> compare(INDArray truth, INDArray recon, int b) {
        if (!java.util.Arrays.equals(truth.shape(), recon.shape())) {
            throw new IllegalArgumentException("reconstruction shape " + java.util.Arrays.toString(recon.shape())
                    + " differs from the images' " + java.util.Arrays.toString(truth.shape()));
        }
        int n = (int) truth.size(0), c = (int) truth.size(1), h = (int) truth.size(2), w = (int) truth.size(3);
        List<String> names = BandRegions.names(b);
        double[][] mse = new double[names.size()][n];
        double[][] psnr = new double[names.size()][n];
        for (int i = 0; i < n; i++) {
            float[] t = image(truth, i);
            float[] r = image(recon, i);
            double[] m = BandRegions.mse(t, r, c, h, w, b);
            for (int k = 0; k < m.length; k++) {
                mse[k][i] = m[k];
                psnr[k][i] = Psnr.of(m[k]);
            }
        }
        List<RegionStats> out = new ArrayList<>();
        for (int k = 0; k < names.size(); k++) {
            out.add(new RegionStats(names.get(k), MeanCi.of(mse[k]), MeanCi.of(psnr[k])));
        }
        return out;
    }

    private static float[] image(INDArray x, int i) {
        return x.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()).dup('c')
                .castTo(DataType.FLOAT).data().asFloat();
    }

    /** The gallery's images: g evenly spaced test images (0, n/g, 2n/g, ...), so that they are not all alike. */
    private static INDArray spread(INDArray x, int g) {
        long n = x.size(0);
        long[] idx = new long[g];
        for (int i = 0; i < g; i++) {
            idx[i] = i * n / g;
        }
        return x.get(NDArrayIndex.indices(idx), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()).dup();
    }

    private static INDArray first(INDArray x, int g) {
        return x.get(NDArrayIndex.interval(0, g), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()).dup();
    }

    private static void check(INDArray x, String what) {
        if (x == null || x.rank() != 4 || x.size(0) < 1) {
            throw new IllegalArgumentException(what + " images must be a non-empty (N, C, H, W) array, got "
                    + (x == null ? "null" : java.util.Arrays.toString(x.shape())));
        }
    }
}
