package io.github.learnpad.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One implementation of the Padding Module's passes (forward, local loss, main-loss backward), all computing the
 * maths described in {@link BorderPredictor}. As with DL4J's layer helpers, each implementation says what it
 * {@link #supports}, {@link #choose} picks one in one place, falling back to the general passes, and the runtime layer
 * keeps the one it got. The implementations and the parts they share are listed in the package documentation
 * ({@code package-info.java}). A new kernel width, layout or backend is one implementation plus one line in
 * {@link #choose}.
 */
interface PaddingPasses {

    /**
     * True if this implementation computes for {@code conf} on data of compute type dt (FLOAT or DOUBLE). The arrays
     * are always (N, C, H, W) views: an NHWC layer hands its passes permuted views, so there is no layout to ask about.
     * By default any: the general and the ND4J-ops passes compute for every configuration and data type.
     */
    default boolean supports(PaddingModule conf, DataType dt) {
        return true;
    }

    /**
     * Pads {@code x (N, C, H, W)} into {@code out (N, C, H+t+b, W+l+r)} (every element written). When {@code training}
     * and the module has a local loss, also computes the local loss of {@code x} and its gradient; null otherwise.
     *
     * @throws IllegalArgumentException if training and the rows/columns the local loss reads contain NaN or Inf
     */
    LocalLossResult forward(PaddingModule conf, PredictorWeights weights, INDArray x, INDArray out, String layerName,
                            boolean training);

    /**
     * The local loss of {@code x}; its gradient is written into {@code grads} (same keys and shapes as the
     * parameters, overwritten). NaN if no side has a training pair or the loss is NONE.
     */
    double localLoss(PaddingModule conf, PredictorWeights weights, INDArray x, Map<String, INDArray> grads);

    /**
     * The main-loss backward pass without a copy: adds the border's gradient onto its sources in
     * {@code eps = dL/dy} itself and returns {@code dL/dx} as the view of {@code eps}'s interior (as
     * {@code ZeroPaddingLayer} returns a view of its epsilon). Returns null, leaving {@code eps} alone, when this
     * implementation cannot work in {@code eps}'s type or layout; use {@link #backward} then.
     */
    INDArray backwardInPlace(PaddingModule conf, PredictorWeights weights, INDArray x, INDArray eps, String layerName);

    /** Writes {@code dL/dx (N, C, H, W)} into {@code dx} from {@code eps = dL/dy}, leaving {@code eps} as it is. */
    void backward(PaddingModule conf, PredictorWeights weights, INDArray x, INDArray eps, INDArray dx, String layerName);

    /**
     * The main-loss backward pass, the one entry the runtime layer calls: {@code dL/dx (N, C, H, W)} computed in place
     * ({@link #backwardInPlace}, a view of {@code eps}'s interior) when this implementation can, else written into the
     * array {@code fresh} supplies ({@link #backward}, {@code eps} left as it is), which is then returned.
     */
    default INDArray inputGradient(PaddingModule conf, PredictorWeights weights, INDArray x, INDArray eps,
                                   Supplier<INDArray> fresh, String layerName) {
        INDArray dx = backwardInPlace(conf, weights, x, eps, layerName);
        if (dx == null) {
            dx = fresh.get();
            backward(conf, weights, x, eps, dx, layerName);
        }
        return dx;
    }

    /**
     * True if this implementation walks {@code x} in the (C, N, H, W) memory layout of a convolution's output: the
     * output is then best allocated in that layout too.
     */
    default boolean keepsChannelMajor(INDArray x) {
        return false;
    }

    /**
     * The implementation for {@code conf} on data of type dt (NCHW), the one place the choice is made: the Java passes
     * when asked for ({@link PaddingModule.Implementation#JAVA}); the ND4J-ops passes when asked for or on a backend
     * other than the CPU one (they keep the data on the device); on the CPU, the float depthwise passes or the float
     * channel-mixing passes where they apply, the ND4J-ops passes for channel mixing in DOUBLE, else the general
     * passes. The runtime layer calls it once per data type and keeps the answer ({@link PaddingModuleLayer}); the
     * answer depends only on the configuration, the data type and the backend, none of which change during training.
     */
    static PaddingPasses choose(PaddingModule conf, DataType dt) {
        List<PaddingPasses> preference;
        if (conf.getImplementation() == PaddingModule.Implementation.JAVA) {
            preference = List.of(FloatDepthwisePasses.INSTANCE, GeneralPasses.INSTANCE);
        } else if (conf.getImplementation() == PaddingModule.Implementation.ND4J_OPS || !Nd4j.getEnvironment().isCPU()) {
            preference = List.of(OpsPasses.INSTANCE, GeneralPasses.INSTANCE);
        } else if (conf.isChannelMixing()) {
            preference = List.of(FloatMixingPasses.INSTANCE, OpsPasses.INSTANCE, GeneralPasses.INSTANCE);
        } else {
            preference = List.of(FloatDepthwisePasses.INSTANCE, GeneralPasses.INSTANCE);
        }
        for (PaddingPasses p : preference) {
            if (p.supports(conf, dt)) {
                return p;
            }
        }
        throw new IllegalStateException("PaddingModule: no implementation of the passes supports " + conf + " on "
                + dt + " data");
    }
}
