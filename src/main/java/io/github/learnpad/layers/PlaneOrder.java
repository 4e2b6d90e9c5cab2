package io.github.learnpad.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The order a pass walks the (n, c) planes in: the order they lie in memory, sample-major for packed NCHW arrays
 * and channel-major for the (C, N, H, W) layout DL4J's convolutions produce: jumping across memory between planes
 * loads them slower (docs/benchmarks.md). Partitions are ranges of this order; the local loss's sums are added per
 * partition, in partition order, so results do not depend on the thread count (their last bits may depend on the
 * layout).
 */
final class PlaneOrder {
    final int n;
    final int channels;
    final int planes;
    final boolean channelMajor;

    PlaneOrder(INDArray a, StridedAccess access) {
        n = (int) a.size(0);
        channels = (int) a.size(1);
        planes = n * channels;
        channelMajor = access.channelMajor();
    }

    /**
     * True if {@code x} is FLOAT in the (C, N, H, W) memory layout of a convolution's output: a pass that walks it
     * plane by plane goes channel-major, and its output is best allocated in that layout too.
     */
    static boolean isConvolutionLayout(INDArray x) {
        if (x.dataType() != DataType.FLOAT) {
            return false;
        }
        StridedAccess s = StridedAccess.of(x);
        return s.planesContiguous() && s.channelMajor();
    }

    int from(int part) {
        return Partitions.start(planes, part);
    }

    int sample(int u) {
        return channelMajor ? u % n : u / channels;
    }

    int channel(int u) {
        return channelMajor ? u / n : u % channels;
    }
}
