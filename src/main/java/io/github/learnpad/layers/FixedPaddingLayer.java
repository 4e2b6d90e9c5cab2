package io.github.learnpad.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Runtime layer of {@link FixedPadding} (reflect, replicate or circular padding), in the style of DL4J's
 * {@code org.deeplearning4j.nn.layers.convolution.ZeroPaddingLayer}.
 *
 * <p>Forward: input {@code (N, C, H, W)} to output {@code (N, C, H + top + bottom, W + left + right)} (NHWC: the
 * same through (N, C, H, W) views of the NHWC arrays), allocated in the
 * ACTIVATIONS workspace. Backward: epsilon of the output's shape to the input gradient {@code (N, C, H, W)}, the sum of
 * the output gradients of every position that copies each input position. The backward works in place: it adds the
 * border of {@code epsilon} onto its interior and returns the interior as a view (no allocation, like
 * ZeroPaddingLayer's view), so a caller that calls {@code backpropGradient} directly and needs {@code epsilon}
 * afterwards must pass a copy. No parameters. H and W may change between minibatches; they are checked against the
 * padding amounts on every call.
 */
public class FixedPaddingLayer extends AbstractLayer<FixedPadding> {

    public FixedPaddingLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        checkInput(input);
        FixedPadding cfg = layerConf();
        SideAmounts p = cfg.amounts();
        long[] s = p.paddedShape(nchw(input).shape());
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(),
                nhwc() ? new long[]{s[0], s[2], s[3], s[1]} : s, 'c');
        FixedPaddingOps.pad(nchw(input), cfg.getMode(), p, nchw(out));
        return out;
    }

    private boolean nhwc() {
        return layerConf().getDataFormat() == CNN2DFormat.NHWC;
    }

    /** {@code a} (in the layer's format) as an (N, C, H, W) view. */
    private INDArray nchw(INDArray a) {
        return nhwc() ? a.permute(0, 3, 1, 2) : a;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        FixedPadding cfg = layerConf();
        SideAmounts p = cfg.amounts();
        long[] s = nchw(input).shape();
        long[] expected = p.paddedShape(s);
        if (!Arrays.equals(nchw(epsilon).shape(), expected)) {
            throw new IllegalArgumentException("FixedPadding " + layerId() + ": epsilon has shape "
                    + Arrays.toString(epsilon.shape()) + ", expected the output shape (as N, C, H, W) "
                    + Arrays.toString(expected) + " for input " + Arrays.toString(s));
        }
        // In place, no copy: epsilon belongs to this layer during backprop (DL4J's dropout backprop and
        // ComputationGraph's epsilon accumulation also write into it), and its interior view is returned, as
        // ZeroPaddingLayer does.
        INDArray epsOut = FixedPaddingOps.unpadInPlace(nchw(epsilon), cfg.getMode(), p);
        if (nhwc()) {
            epsOut = epsOut.permute(0, 2, 3, 1);
        }
        return new Pair<>(new DefaultGradient(), workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, epsOut));
    }

    private void checkInput(INDArray x) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("FixedPadding " + layerId() + ": expected a rank 4 "
                    + (nhwc() ? "NHWC input (minibatch, height, width, channels)"
                            : "NCHW input (minibatch, channels, height, width)") + ", got rank " + x.rank() + " with shape "
                    + Arrays.toString(x.shape()) + ". Give the network a convolutional InputType "
                    + "(InputType.convolutional or convolutionalFlat) so DL4J adds the reshaping preprocessor.");
        }
        if (x.dataType() != DataType.FLOAT && x.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("FixedPadding " + layerId() + ": supports FLOAT and DOUBLE inputs, got "
                    + x.dataType() + ". Use .dataType(DataType.FLOAT) or DOUBLE for the network.");
        }
        layerConf().checkSize(nchw(x).size(2), nchw(x).size(3), layerId());
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void clearNoiseWeightParams() {
        // No parameters.
    }

    @Override
    public Type type() {
        return Type.CONVOLUTIONAL;
    }

    @Override
    public Layer clone() {
        return new FixedPaddingLayer(conf.clone(), dataType);
    }

    @Override
    public double calcRegularizationScore(boolean backpropParamsOnly) {
        return 0;
    }
}
