package io.github.learnpad.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;

/**
 * Array access for the Java passes: the compute type, packed views, reading and writing parameter arrays, and the
 * destination a pass writes through. Package-private: part of the Padding Module's internals ({@link BorderPredictor} states the maths).
 */
final class ArrayAccess {
    private ArrayAccess() {
    }

    /** FLOAT or DOUBLE: the type the passes compute in (other types are cast to FLOAT). */
    static DataType computeType(INDArray a) {
        return a.dataType() == DataType.DOUBLE ? DataType.DOUBLE : DataType.FLOAT;
    }

    /** {@code a} in type dt, c-ordered without gaps (what unit bulk reads need); copies only when it is not. */
    static StridedAccess packed(INDArray a, DataType dt) {
        INDArray b = a.dataType() == dt ? a : a.castTo(dt);
        StridedAccess s = StridedAccess.of(b);
        return s.isPacked() ? s : StridedAccess.of(b.dup('c'));
    }

    /**
     * True if {@code a}'s elements are contiguous in its buffer, in c order. Parameters and their gradients are such
     * views of the network's flat vectors (DL4J gives the bias vectors order 'f', which does not matter for a vector).
     */
    static boolean isFlat(INDArray a) {
        return (a.ordering() == 'c' || a.isVector()) && a.elementWiseStride() == 1 && !a.isEmpty();
    }

    /** {@code a}'s elements in c order. */
    static double[] readFlat(INDArray a) {
        if (!isFlat(a)) {
            return a.dup('c').data().asDouble();
        }
        // Read straight from the buffer: an ND4J op (a dup) per parameter per pass was a noticeable share of the
        // layer's time. As in StridedAccess, a view's data() starts at the view's first element.
        Nd4j.getAffinityManager().ensureLocation(a, org.nd4j.linalg.api.concurrency.AffinityManager.Location.HOST);
        org.nd4j.linalg.api.buffer.DataBuffer b = a.data();
        double[] out = new double[(int) a.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getDouble(i);
        }
        return out;
    }

    /** Overwrites {@code a} with {@code v} (c order), the counterpart of {@link #readFlat}. */
    static void writeFlat(INDArray a, double[] v) {
        if (!isFlat(a)) {
            a.assign(array(v, a.shape(), a.dataType()));
            return;
        }
        Nd4j.getAffinityManager().ensureLocation(a, org.nd4j.linalg.api.concurrency.AffinityManager.Location.HOST);
        org.nd4j.linalg.api.buffer.DataBuffer b = a.data();
        for (int i = 0; i < v.length; i++) {
            b.put(i, v[i]);
        }
        Nd4j.getAffinityManager().tagLocation(a, org.nd4j.linalg.api.concurrency.AffinityManager.Location.HOST);
    }

    static INDArray array(double[] data, long[] shape, DataType dt) {
        INDArray a = Nd4j.create(data, shape, 'c');
        return dt == DataType.DOUBLE ? a : a.castTo(dt);
    }

    static INDArrayIndex[] interior(PaddingModule conf, long h, long w) {
        return conf.amounts().interior(h, w);
    }

    /** Writes through to {@code target} directly when its type and layout allow, else through a temporary. */
    static final class Destination {
        final INDArray target;
        final INDArray tmp;
        final StridedAccess access;

        /** For writes of whole units: the target must be packed. */
        Destination(INDArray target, DataType dt) {
            this(target, dt, false);
        }

        /** For writes of units of one plane each, if {@code planes}: then contiguous planes in any order suffice. */
        Destination(INDArray target, DataType dt, boolean planes) {
            this.target = target;
            StridedAccess direct = target.dataType() == dt ? StridedAccess.of(target) : null;
            if (direct != null && (planes ? direct.planesContiguous() : direct.isPacked())) {
                tmp = null;
                access = direct;
            } else {
                tmp = Nd4j.createUninitialized(dt, target.shape());
                access = StridedAccess.of(tmp);
            }
        }

        void finish() {
            access.commit();
            if (tmp != null) {
                target.assign(tmp);
            }
        }
    }
}
