package io.github.learnpad.layers;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Map;

/**
 * The plan of one padded side: its predictors (one per unit of the {@link MinibatchWalk}), its number of rings and the
 * canonical strip of the padded map whose border it extends (where the strip starts, its length, the index steps
 * along and across it); also the plan of a whole pass, the local loss's pair strip, and strip gather/scatter.
 */
final class SidePlan {
    private static final Logger log = LoggerFactory.getLogger(BorderPredictor.class);
    private static volatile boolean warnedSmall = false;

    final Side side;
    final int p;
    /** Canonical rows of the strip: q < p are the rings (q = p - ring), q >= p the context (d = q - p). */
    final int rows;
    /** The kernels, by {@link MinibatchWalk#kernel}. */
    final SidePredictor[] kernels;
    /** Length of the border (W for top/bottom, the row-extended height for left/right). */
    final int len;
    /** The region being extended, in map coordinates: rows [rowFrom, rowTo), columns [colFrom, colTo). */
    final long rowFrom, rowTo, colFrom, colTo;

    SidePlan(Side side, int p, int rows, SidePredictor[] kernels, long rowFrom, long rowTo, long colFrom, long colTo) {
        this.side = side;
        this.p = p;
        this.rows = rows;
        this.kernels = kernels;
        this.len = (int) (side.isRow() ? colTo - colFrom : rowTo - rowFrom);
        this.rowFrom = rowFrom;
        this.rowTo = rowTo;
        this.colFrom = colFrom;
        this.colTo = colTo;
    }

    /** Map row of canonical position (q, j): distance q - p inward from the border (negative = outside). */
    long row(int q, int j) {
        switch (side) {
            case TOP: return rowFrom + q - p;
            case BOTTOM: return rowTo - 1 - (q - p);
            default: return rowFrom + j;
        }
    }

    long col(int q, int j) {
        switch (side) {
            case LEFT: return colFrom + q - p;
            case RIGHT: return colTo - 1 - (q - p);
            default: return colFrom + j;
        }
    }

    /** Index of canonical (0, 0) in a c-ordered plane {@code planeW} wide. */
    int origin(int planeW) {
        return (int) (row(0, 0) * planeW + col(0, 0));
    }

    /** Index step from canonical row q to q + 1 in a plane {@code planeW} wide (inward from the border). */
    int qStep(int planeW) {
        switch (side) {
            case TOP: return planeW;
            case BOTTOM: return -planeW;
            case LEFT: return 1;
            default: return -1;
        }
    }

    /** Index step along the border, from j to j + 1, in a plane {@code planeW} wide. */
    int jStep(int planeW) {
        return side.isRow() ? 1 : planeW;
    }

    /** The padding steps in order (top, bottom, left, right), with the kernels each uses (fallback included). */
    static SidePlan[] plan(PaddingModule conf, PredictorWeights weights, long h, long w, MinibatchWalk units, String layerName) {
        int t = conf.getTop(), l = conf.getLeft();
        SidePlan[] steps = new SidePlan[4];
        int i = 0;
        for (Side s : Side.values()) {
            int p = conf.amount(s);
            if (p == 0) {
                continue;
            }
            long axis = s.isRow() ? h : w;
            SidePredictor[] ks;
            if (axis < conf.getContextDepth()) {
                warnSmall(layerName, s, axis, conf.getContextDepth());
                ks = SidePredictor.replicate(units.c).forUnits(units.per);
            } else {
                ks = weights.of(s);
            }
            int rows = p + ks[0].k;
            // Rows extend the input region; columns extend the row-extended map (so they predict the corners).
            steps[i++] = s.isRow() ? new SidePlan(s, p, rows, ks, t, t + h, l, l + w)
                    : new SidePlan(s, p, rows, ks, 0, conf.amounts().paddedHeight(h), l, l + w);
        }
        return Arrays.copyOf(steps, i);
    }

    /** Side s's local-loss pair over the input itself: canonical q = distance from the border, q = 0 the target. */
    static SidePlan pairStep(Side s, SidePredictor[] kernels, long h, long w) {
        return new SidePlan(s, 0, kernels[0].k + 1, kernels, 0, h, 0, w);
    }

    static void warnSmall(String layer, Side s, long axis, int k) {
        if (!warnedSmall) {
            warnedSmall = true;
            log.warn("PaddingModule {}: the input's {} is {}, smaller than the predictor's context depth k={}; the {} "
                            + "side is replicate padded for such inputs (warned once)", layer,
                    s.isRow() ? "height" : "width", axis, k, s.key());
        }
    }

    /** Reads canonical rows [from, to) of step st from block {@code a} into {@code r (a.c, st.rows, len)}. */
    static void gather(HeapBlock a, SidePlan st, int from, int to, double[] r) {
        transfer(a, st, from, to, r, false);
    }

    /** Writes canonical rows [from, to) of {@code r (a.c, st.rows, len)} into step st's positions of block {@code a}. */
    static void scatter(HeapBlock a, SidePlan st, int from, int to, double[] r) {
        transfer(a, st, from, to, r, true);
    }

    static void transfer(HeapBlock a, SidePlan st, int from, int to, double[] r, boolean write) {
        int along = st.side.isRow() ? 1 : a.w;
        for (int ch = 0; ch < a.c; ch++) {
            for (int q = from; q < to; q++) {
                int at = a.index(ch, (int) st.row(q, 0), (int) st.col(q, 0));
                int off = (ch * st.rows + q) * st.len;
                if (write) {
                    a.write(at, along, st.len, r, off, false);
                } else {
                    a.read(at, along, st.len, r, off);
                }
            }
        }
    }
}
