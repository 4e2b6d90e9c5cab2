package io.github.learnpad.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Element access to a rank-4 FLOAT or DOUBLE INDArray straight through its NIO buffer and strides, any view or
 * ordering. Hand-written because the Padding Module touches a few thin border strips per pass, and an ND4J op on
 * such a strided strip costs far more in dispatch than the reads it needs (docs/benchmarks.md). On a GPU backend the
 * array is synced to the host first and tagged as host-written after {@link #commit()}.
 */
final class StridedAccess {
    private final INDArray array;
    private final FloatBuffer f;
    private final DoubleBuffer d;
    private final int base;
    private final long s0, s1, s2, s3;
    private final long[] shape;

    private StridedAccess(INDArray a) {
        if (a.rank() != 4) {
            throw new IllegalArgumentException("expected a rank-4 array, got shape " + java.util.Arrays.toString(a.shape()));
        }
        if (a.length() > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("array too large for direct access: " + a.length() + " elements");
        }
        Nd4j.getAffinityManager().ensureLocation(a, AffinityManager.Location.HOST);
        this.array = a;
        if (a.dataType() == DataType.FLOAT) {
            f = a.data().asNioFloat();
            d = null;
            base = f.position();
        } else if (a.dataType() == DataType.DOUBLE) {
            d = a.data().asNioDouble();
            f = null;
            base = d.position();
        } else {
            throw new IllegalArgumentException("PaddingModule computes in FLOAT or DOUBLE, got " + a.dataType());
        }
        long[] st = a.stride();
        s0 = st[0];
        s1 = st[1];
        s2 = st[2];
        s3 = st[3];
        shape = a.shape();
    }

    static StridedAccess of(INDArray a) {
        return new StridedAccess(a);
    }

    /** {@code a} as FLOAT with {@link #planesContiguous contiguous planes} (copied only if it is not). */
    static StridedAccess planes(INDArray a) {
        INDArray b = a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT);
        StridedAccess s = of(b);
        return s.planesContiguous() ? s : of(b.dup('c'));
    }

    /** True if the elements are in c order without gaps (what {@link #load} and {@link #store} need). */
    boolean isPacked() {
        long[] strides = {s0, s1, s2, s3};
        long expected = 1;
        for (int i = 3; i >= 0; i--) {
            // ND4J may give a dimension of size 1 any stride: it is never stepped over.
            if (shape[i] != 1 && strides[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /**
     * True if every (n, c) plane is contiguous, in c order, whatever the order of the planes: what {@link #load} and
     * {@link #store} of single-plane blocks need. Besides packed NCHW arrays this is the layout DL4J's convolutions
     * produce (activations and input gradients are (N, C, H, W) views of (C, N, H, W) arrays).
     */
    boolean planesContiguous() {
        return (shape[3] == 1 || s3 == 1) && (shape[2] == 1 || s2 == shape[3]);
    }

    /** True if the planes lie channel-major in memory (the (C, N, H, W) layout): walks should go channel by channel. */
    boolean channelMajor() {
        return shape[0] > 1 && shape[1] > 1 && s1 > s0;
    }

    /**
     * Copies channels {@code c0 ..} of sample n into {@code dst}, filling it, with one bulk read: the array must be
     * {@link #isPacked packed}, or {@link #planesContiguous have contiguous planes} when {@code dst} is one plane.
     */
    void load(long n, long c0, HeapBlock dst) {
        int at = index(n, c0, 0, 0);
        if (f != null) {
            f.get(at, dst.f, 0, dst.f.length);
        } else {
            d.get(at, dst.d, 0, dst.d.length);
        }
    }

    /**
     * Copies plane (n, c) of this FLOAT array into {@code dst}, row i at {@code off + i * rowStride}: one bulk read per
     * row (rows must be contiguous), straight into a padded plane.
     */
    void loadRows(long n, long c, float[] dst, int off, int rowStride) {
        int rows = (int) shape[2], w = (int) shape[3];
        for (int i = 0; i < rows; i++) {
            f.get(index(n, c, i, 0), dst, off + i * rowStride, w);
        }
    }

    /** Copies {@code src} into channels {@code c0 ..} of sample n with one bulk write (layouts as for {@link #load}). */
    void store(HeapBlock src, long n, long c0) {
        int at = index(n, c0, 0, 0);
        if (f != null) {
            f.put(at, src.f, 0, src.f.length);
        } else {
            d.put(at, src.d, 0, src.d.length);
        }
    }

    /** The buffer index of element {@code (n, c, i, j)}. */
    int index(long n, long c, long i, long j) {
        return (int) (base + n * s0 + c * s1 + i * s2 + j * s3);
    }

    /** The FLOAT array's buffer, indexed by {@link #index} (null for a DOUBLE array). */
    FloatBuffer floats() {
        return f;
    }

    /** The step in the buffer between consecutive rows (axis 2) or columns (axis 3). */
    int step(int axis) {
        return (int) (axis == 2 ? s2 : s3);
    }

    double get(long n, long c, long i, long j) {
        int k = index(n, c, i, j);
        return f != null ? f.get(k) : d.get(k);
    }

    void set(long n, long c, long i, long j, double v) {
        int k = index(n, c, i, j);
        if (f != null) {
            f.put(k, (float) v);
        } else {
            d.put(k, v);
        }
    }

    void add(long n, long c, long i, long j, double v) {
        int k = index(n, c, i, j);
        if (f != null) {
            f.put(k, f.get(k) + (float) v);
        } else {
            d.put(k, d.get(k) + v);
        }
    }

    private float[] scratch = new float[0];

    private float[] scratch(int len) {
        if (scratch.length < len) {
            scratch = new float[len];
        }
        return scratch;
    }

    /** Reads {@code len} elements {@code (n, c, i, j0 .. j0+len)} into {@code dst[off ..]}. */
    void readRow(long n, long c, long i, long j0, int len, double[] dst, int off) {
        int k = index(n, c, i, j0);
        if (s3 == 1 && f != null) {
            float[] tmp = scratch(len);
            f.get(k, tmp, 0, len);
            for (int j = 0; j < len; j++) {
                dst[off + j] = tmp[j];
            }
        } else if (s3 == 1) {
            d.get(k, dst, off, len);
        } else {
            for (int j = 0; j < len; j++) {
                dst[off + j] = f != null ? f.get(k + (int) (j * s3)) : d.get(k + (int) (j * s3));
            }
        }
    }

    /** Writes {@code src[off .. off+len)} to {@code (n, c, i, j0 .. j0+len)}, adding to what is there if asked. */
    void writeRow(long n, long c, long i, long j0, int len, double[] src, int off, boolean add) {
        int k = index(n, c, i, j0);
        if (s3 == 1 && f != null) {
            float[] tmp = scratch(len);
            if (add) {
                f.get(k, tmp, 0, len);
                for (int j = 0; j < len; j++) {
                    tmp[j] += (float) src[off + j];
                }
            } else {
                for (int j = 0; j < len; j++) {
                    tmp[j] = (float) src[off + j];
                }
            }
            f.put(k, tmp, 0, len);
        } else {
            for (int j = 0; j < len; j++) {
                int e = k + (int) (j * s3);
                double v = add ? (f != null ? f.get(e) : d.get(e)) + src[off + j] : src[off + j];
                if (f != null) {
                    f.put(e, (float) v);
                } else {
                    d.put(e, v);
                }
            }
        }
    }

    /** Marks the array as written on the host (a no-op on the CPU backend). */
    void commit() {
        Nd4j.getAffinityManager().tagLocation(array, AffinityManager.Location.HOST);
    }
}
