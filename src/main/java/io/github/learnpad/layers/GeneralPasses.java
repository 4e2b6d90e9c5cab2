package io.github.learnpad.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import io.github.learnpad.layers.PaddingModule.LocalLoss;

import io.github.learnpad.layers.ArrayAccess.Destination;
import static io.github.learnpad.layers.ArrayAccess.computeType;
import static io.github.learnpad.layers.ArrayAccess.interior;
import static io.github.learnpad.layers.ArrayAccess.packed;
import static io.github.learnpad.layers.SidePlan.gather;
import static io.github.learnpad.layers.SidePlan.scatter;
import static io.github.learnpad.layers.SidePlan.plan;
import static io.github.learnpad.layers.Correlation.predictRow;
import static io.github.learnpad.layers.Correlation.predictRowBackward;

import java.util.Arrays;
import java.util.Map;

/**
 * The general passes as a {@link PaddingPasses}: any configuration and data type, NCHW, in plain Java loops over
 * canonical double strips ({@link SidePlan}, {@link Correlation}): the fallback, and the reference the other
 * implementations are tested against. It {@link PaddingPasses#supports supports} any configuration and data type.
 */
final class GeneralPasses implements PaddingPasses {
    static final GeneralPasses INSTANCE = new GeneralPasses();

    private GeneralPasses() {
    }

    @Override
    public LocalLossResult forward(PaddingModule conf, PredictorWeights weights, INDArray x, INDArray out, String layerName,
                                   boolean training) {
        return forwardGeneral(conf, weights, x, out, layerName, training);
    }

    @Override
    public double localLoss(PaddingModule conf, PredictorWeights weights, INDArray x, Map<String, INDArray> grads) {
        return localLossGeneral(conf, weights, x, grads);
    }

    @Override
    public INDArray backwardInPlace(PaddingModule conf, PredictorWeights weights, INDArray x, INDArray eps, String layerName) {
        return hasBorderGradient(conf) ? null : eps.get(interior(conf, x.size(2), x.size(3)));
    }

    @Override
    public void backward(PaddingModule conf, PredictorWeights weights, INDArray x, INDArray eps, INDArray dx, String layerName) {
        if (hasBorderGradient(conf)) {
            backwardGeneral(conf, weights, x, eps, dx, layerName);
        } else {
            dx.assign(eps.get(interior(conf, x.size(2), x.size(3))));
        }
    }

    /** True if the main loss's gradient flows back through a predicted border (else dL/dx is eps's interior). */
    static boolean hasBorderGradient(PaddingModule conf) {
        return conf.isBorderGradient() && conf.paddedSides().length > 0;
    }

    /** The general forward pass (any configuration and data type); {@link #forward} uses it unless a faster one applies. */
    static LocalLossResult forwardGeneral(PaddingModule conf, PredictorWeights weights, INDArray x, INDArray out,
                                          String layerName, boolean training) {
        long n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        int t = conf.getTop(), l = conf.getLeft();
        DataType dt = computeType(x);
        StridedAccess xs = packed(x, dt);
        Destination dst = new Destination(out, dt);
        MinibatchWalk units = new MinibatchWalk(conf, n, c);
        SidePlan[] steps = plan(conf, weights, h, w, units, layerName);
        LossPass loss = training && conf.getLocalLoss() != LocalLoss.NONE ? new LossPass(conf, weights, x.shape(), units) : null;
        int parts = Partitions.count(units.count);
        LossPass[] partLoss = new LossPass[parts];
        Partitions.run(parts, part -> {
            HeapBlock xb = HeapBlock.scratch(0, dt, units.per, (int) h, (int) w);
            HeapBlock ob = HeapBlock.scratch(1, dt, units.per, (int) out.size(2), (int) out.size(3));
            double[][] strips = new double[steps.length][];
            for (int si = 0; si < steps.length; si++) {
                strips[si] = new double[units.per * steps[si].rows * steps[si].len];
            }
            LossPass pl = loss == null ? null : loss.fresh();
            partLoss[part] = pl;
            for (int u = Partitions.start(units.count, part); u < Partitions.start(units.count, part + 1); u++) {
                int ki = units.kernel(u);
                xs.load(units.sample(u), units.channel(u), xb);
                ob.copyWindow(xb, 0, 0, t, l, (int) h, (int) w);
                for (int si = 0; si < steps.length; si++) {
                    SidePlan st = steps[si];
                    double[] r = strips[si];
                    gather(ob, st, st.p, st.rows, r);
                    for (int ring = 1; ring <= st.p; ring++) {
                        int i = st.p - ring;
                        predictRow(r, 1, st.rows, st.len, i, st.kernels[ki], r, st.rows, i);
                    }
                    scatter(ob, st, 0, st.p, r);
                }
                if (pl != null) {
                    pl.add(xb, ki);
                }
                dst.access.store(ob, units.sample(u), units.channel(u));
            }
        });
        dst.finish();
        return loss == null ? null : loss.result(partLoss);
    }

    /** The general backward pass, border gradients on (any configuration and data type). */
    static void backwardGeneral(PaddingModule conf, PredictorWeights weights, INDArray x, INDArray eps,
                                INDArray dx, String layerName) {
        long n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        DataType dt = computeType(dx);
        SideAmounts pad = conf.amounts();
        int t = pad.top(), l = pad.left(), tb = pad.top(), bb = pad.bottom();
        StridedAccess es = packed(eps, dt);
        Destination dst = new Destination(dx, dt);
        MinibatchWalk units = new MinibatchWalk(conf, n, c);
        int per = units.per;
        SidePlan[] steps = plan(conf, weights, h, w, units, layerName);
        int parts = Partitions.count(units.count);
        Partitions.run(parts, part -> {
            HeapBlock eb = HeapBlock.scratch(1, dt, per, (int) eps.size(2), (int) eps.size(3));
            HeapBlock db = HeapBlock.scratch(0, dt, per, (int) h, (int) w);
            // Gradients of the predicted top/bottom rows, (per, rows of that pad, W): from eps, plus what the column
            // predictors (which read them as context) send back.
            double[] gTop = new double[(int) (per * tb * w)];
            double[] gBottom = new double[(int) (per * bb * w)];
            double[][] strips = new double[steps.length][];
            for (int si = 0; si < steps.length; si++) {
                strips[si] = new double[per * steps[si].rows * steps[si].len];
            }
            for (int u = Partitions.start(units.count, part); u < Partitions.start(units.count, part + 1); u++) {
                int ki = units.kernel(u);
                es.load(units.sample(u), units.channel(u), eb);
                db.copyWindow(eb, t, l, 0, 0, (int) h, (int) w);
                for (int ch = 0; ch < per; ch++) {
                    for (int i = 0; i < tb; i++) {
                        eb.read(eb.index(ch, i, l), 1, (int) w, gTop, (int) ((ch * tb + i) * w));
                    }
                    for (int i = 0; i < bb; i++) {
                        eb.read(eb.index(ch, (int) (t + h + i), l), 1, (int) w, gBottom, (int) ((ch * bb + i) * w));
                    }
                }
                for (int si = steps.length - 1; si >= 0; si--) {
                    SidePlan st = steps[si];
                    int rows = st.rows;
                    double[] gr = strips[si];
                    Arrays.fill(gr, 0);
                    if (st.side.isRow()) {
                        double[] acc = st.side == Side.TOP ? gTop : gBottom;
                        int pr = st.side == Side.TOP ? tb : bb;
                        for (int ch = 0; ch < per; ch++) {
                            for (int q = 0; q < st.p; q++) {
                                long accRow = st.side == Side.TOP ? st.row(q, 0) : st.row(q, 0) - t - h;
                                System.arraycopy(acc, (int) ((ch * pr + accRow) * w), gr, (ch * rows + q) * st.len, st.len);
                            }
                        }
                    } else {
                        gather(eb, st, 0, st.p, gr);
                    }
                    // Rings were created inner first; undo them outer first.
                    for (int ring = st.p; ring >= 1; ring--) {
                        int i = st.p - ring;
                        predictRowBackward(gr, rows, i, 1, rows, st.len, i, st.kernels[ki], gr);
                    }
                    // Send the context's gradient on: interior positions to dx, predicted top/bottom rows to their
                    // accumulators (column contexts run over the row-extended map).
                    for (int ch = 0; ch < per; ch++) {
                        for (int q = st.p; q < rows; q++) {
                            int off = (ch * rows + q) * st.len;
                            if (st.side.isRow()) {
                                db.write(db.index(ch, (int) (st.row(q, 0) - t), 0), 1, (int) w, gr, off, true);
                            } else {
                                long col = st.col(q, 0) - l;
                                for (int i = 0; i < tb; i++) {
                                    gTop[(int) ((ch * tb + i) * w + col)] += gr[off + i];
                                }
                                for (int i = 0; i < bb; i++) {
                                    gBottom[(int) ((ch * bb + i) * w + col)] += gr[off + t + (int) h + i];
                                }
                            }
                        }
                        if (!st.side.isRow()) {
                            // The interior rows of the context columns.
                            for (int q = st.p; q < rows; q++) {
                                db.write(db.index(ch, 0, (int) (st.col(q, 0) - l)), (int) w, (int) h, gr,
                                        (ch * rows + q) * st.len + t, true);
                            }
                        }
                    }
                }
                dst.access.store(db, units.sample(u), units.channel(u));
            }
        });
        dst.finish();
    }

    /** The general local loss (any configuration and data type). */
    static double localLossGeneral(PaddingModule conf, PredictorWeights weights, INDArray x, Map<String, INDArray> grads) {
        DataType dt = computeType(x);
        StridedAccess xs = packed(x, dt);
        MinibatchWalk units = new MinibatchWalk(conf, x.size(0), x.size(1));
        LossPass loss = new LossPass(conf, weights, x.shape(), units);
        int parts = Partitions.count(units.count);
        LossPass[] partLoss = new LossPass[parts];
        Partitions.run(parts, part -> {
            HeapBlock xb = HeapBlock.scratch(0, dt, units.per, (int) x.size(2), (int) x.size(3));
            LossPass pl = loss.fresh();
            partLoss[part] = pl;
            for (int u = Partitions.start(units.count, part); u < Partitions.start(units.count, part + 1); u++) {
                xs.load(units.sample(u), units.channel(u), xb);
                pl.add(xb, units.kernel(u));
            }
        });
        LocalLossResult r = loss.result(partLoss);
        r.writeTo(grads);
        return r.loss;
    }
}
