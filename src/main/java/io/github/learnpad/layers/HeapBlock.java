package io.github.learnpad.layers;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * A c-ordered {@code (c, h, w)} block of FLOAT or DOUBLE values on the Java heap: one unit of work of the Padding
 * Module's passes, copied out of an INDArray with one bulk read ({@link StridedAccess#load}) so that every strided
 * walk over it hits the cache. Plain arrays with int indices: the passes' inner loops are the hot spots of the layer.
 */
final class HeapBlock {
    /** The values when FLOAT, else null. */
    final float[] f;
    /** The values when DOUBLE, else null. */
    final double[] d;
    final int c, h, w;

    HeapBlock(DataType dt, int c, int h, int w) {
        if (dt != DataType.FLOAT && dt != DataType.DOUBLE) {
            throw new IllegalArgumentException("PaddingModule computes in FLOAT or DOUBLE, got " + dt);
        }
        int n = Math.multiplyExact(Math.multiplyExact(c, h), w);
        this.f = dt == DataType.FLOAT ? new float[n] : null;
        this.d = dt == DataType.DOUBLE ? new double[n] : null;
        this.c = c;
        this.h = h;
        this.w = w;
    }

    /**
     * A block of this type and shape for the current thread's use in slot {@code slot}, reused from call to call
     * (contents undefined): a pass runs on a few threads many times per second, and fresh blocks for every pass
     * measured a noticeable share of the layer's time. Blocks over 256 K values are not kept.
     */
    static HeapBlock scratch(int slot, DataType dt, int c, int h, int w) {
        HeapBlock[] kept = SCRATCH.get();
        HeapBlock b = kept[slot];
        if (b != null && b.c == c && b.h == h && b.w == w && (b.f != null) == (dt == DataType.FLOAT)) {
            return b;
        }
        b = new HeapBlock(dt, c, h, w);
        kept[slot] = (long) c * h * w <= (1 << 18) ? b : null;
        return b;
    }

    private static final ThreadLocal<HeapBlock[]> SCRATCH = ThreadLocal.withInitial(() -> new HeapBlock[2]);

    int index(int ch, int i, int j) {
        return (ch * h + i) * w + j;
    }

    /** Reads {@code len} values from index {@code at} on, {@code step} apart, into {@code dst[off ..]}. */
    void read(int at, int step, int len, double[] dst, int off) {
        if (f != null) {
            for (int j = 0; j < len; j++) {
                dst[off + j] = f[at + j * step];
            }
        } else {
            for (int j = 0; j < len; j++) {
                dst[off + j] = d[at + j * step];
            }
        }
    }

    /** Writes (or adds, if {@code add}) {@code src[off .. off+len)} to indices {@code at, at+step, ...}. */
    void write(int at, int step, int len, double[] src, int off, boolean add) {
        if (f != null) {
            for (int j = 0; j < len; j++) {
                int k = at + j * step;
                f[k] = add ? f[k] + (float) src[off + j] : (float) src[off + j];
            }
        } else {
            for (int j = 0; j < len; j++) {
                int k = at + j * step;
                d[k] = add ? d[k] + src[off + j] : src[off + j];
            }
        }
    }

    /** Copies the {@code rows x cols} window at {@code (si, sj)} of {@code src} to {@code (di, dj)} here, every channel. */
    void copyWindow(HeapBlock src, int si, int sj, int di, int dj, int rows, int cols) {
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < rows; i++) {
                int from = src.index(ch, si + i, sj), to = index(ch, di + i, dj);
                if (f != null) {
                    System.arraycopy(src.f, from, f, to, cols);
                } else {
                    System.arraycopy(src.d, from, d, to, cols);
                }
            }
        }
    }
}
