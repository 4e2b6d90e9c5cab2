package io.github.learnpad.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;

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

    /** Mean and (population) standard deviation of each channel over all images and pixels; a zero std becomes 1. */
    public static PerChannelNormalizer fit(ImageDataset data) {
        INDArray f = data.features().castTo(DataType.DOUBLE);
        int c = data.channels();
        float[] m = new float[c];
        float[] s = new float[c];
        for (int ch = 0; ch < c; ch++) {
            INDArray plane = f.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(ch));
            double mu = plane.meanNumber().doubleValue();
            double sd = plane.stdNumber().doubleValue();
            // stdNumber is the bias-corrected estimate; convert to the population value.
            long count = plane.length();
            sd = count > 1 ? sd * Math.sqrt((count - 1.0) / count) : 0;
            m[ch] = (float) mu;
            s[ch] = sd > 0 ? (float) sd : 1f;
        }
        return new PerChannelNormalizer(m, s);
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
