package io.github.learnpad.data;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

/**
 * Optional per-channel standardisation of {@code (B, C, H, W)} features: {@code x[:, c] = (x[:, c] - mean[c]) / std[c]}.
 * Fit it on the training set only ({@link #fit(ImageDataset)}) and use the same instance for train and test
 * iterators. Off by default in LearnPad: features then stay in [0, 1], so zero padding means black.
 */
public final class PerChannelNormalizer implements DataSetPreProcessor {
    private static final long serialVersionUID = 1L;
    private final float[] mean;
    private final float[] std;

    public PerChannelNormalizer(float[] mean, float[] std) {
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("mean and std need one value per channel, got " + mean.length + " and " + std.length);
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std must be > 0, got " + Arrays.toString(std));
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /**
     * Mean and (population) standard deviation of each channel over all images and pixels, accumulated in double
     * precision chunk by chunk (ND4J's FLOAT {@code meanNumber()} over Fashion-MNIST's 47M pixels was off by 1%);
     * a zero std becomes 1.
     */
    public static PerChannelNormalizer fit(ImageDataset data) {
        int c = data.channels();
        int plane = data.height() * data.width();
        double[] sum = new double[c];
        double[] sumSq = new double[c];
        int chunk = 1024;
        for (int start = 0; start < data.size(); start += chunk) {
            int end = Math.min(data.size(), start + chunk);
            float[] f = data.features().get(NDArrayIndex.interval(start, end), NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.all()).dup('c').data().asFloat();
            for (int i = 0; i < end - start; i++) {
                for (int ch = 0; ch < c; ch++) {
                    int base = (i * c + ch) * plane;
                    double s = 0;
                    double q = 0;
                    for (int k = 0; k < plane; k++) {
                        double v = f[base + k];
                        s += v;
                        q += v * v;
                    }
                    sum[ch] += s;
                    sumSq[ch] += q;
                }
            }
        }
        double count = (double) data.size() * plane;
        float[] m = new float[c];
        float[] sd = new float[c];
        for (int ch = 0; ch < c; ch++) {
            double mu = sum[ch] / count;
            double var = Math.max(0, sumSq[ch] / count - mu * mu);
            m[ch] = (float) mu;
            sd[ch] = var > 0 ? (float) Math.sqrt(var) : 1f;
        }
        return new PerChannelNormalizer(m, sd);
    }

    public float[] mean() { return mean.clone(); }

    public float[] std() { return std.clone(); }

    @Override
    public void preProcess(DataSet ds) {
        INDArray x = ds.getFeatures();
        if (x.size(1) != mean.length) {
            throw new IllegalArgumentException("features have " + x.size(1) + " channels, normaliser has " + mean.length);
        }
        INDArray m = Nd4j.create(mean, new long[]{mean.length}, 'c').castTo(x.dataType());
        INDArray s = Nd4j.create(std, new long[]{std.length}, 'c').castTo(x.dataType());
        Broadcast.sub(x, m, x, 1);
        Broadcast.div(x, s, x, 1);
    }
}
