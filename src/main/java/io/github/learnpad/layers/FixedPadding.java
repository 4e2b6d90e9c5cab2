package io.github.learnpad.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.conf.layers.NoParamLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonIgnore;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;

/**
 * Configuration of a fixed (parameter-free) padding layer: reflect, replicate or circular padding, with the same
 * semantics as PyTorch's {@code ReflectionPad2d}, {@code ReplicationPad2d} and {@code F.pad(mode="circular")}.
 *
 * <p>Input {@code (N, C, H, W)} (NCHW) or {@code (N, H, W, C)} (NHWC: the format follows the network's
 * {@code InputType}, as for DL4J's {@code ZeroPaddingLayer}, or {@link Builder#dataFormat}); output
 * {@code (N, C, H + top + bottom, W + left + right)} (or NHWC likewise), the interior of
 * the output being the input unchanged. Rows are padded first, then columns over the row-padded map, so corners are
 * the column padding of the padded rows (for these three modes that is the same as padding both axes at once). For
 * a row {@code [1, 2, 3, 4]} padded by 2 on both sides:
 * <ul>
 *     <li>{@link Mode#REFLECT}: {@code [3, 2, 1, 2, 3, 4, 3, 2]} (mirror, edge not repeated; amount &lt; size);</li>
 *     <li>{@link Mode#REPLICATE}: {@code [1, 1, 1, 2, 3, 4, 4, 4]} (copy the edge; any amount);</li>
 *     <li>{@link Mode#CIRCULAR}: {@code [3, 4, 1, 2, 3, 4, 1, 2]} (wrap around; amount &lt;= size).</li>
 * </ul>
 * The size constraints are checked against the configured {@link InputType} and again on every minibatch (the input
 * height and width may change between minibatches). The backward pass adds the gradient of every padded position onto
 * the input position it was copied from (see {@link FixedPaddingOps}).
 *
 * <pre>{@code
 * new FixedPadding.Builder(FixedPadding.Mode.REFLECT).padding(1).build();
 * new FixedPadding.Builder(FixedPadding.Mode.CIRCULAR).padding(top, bottom, left, right).build();
 * }</pre>
 * Usually built through {@link PaddingMode#layer(int, int, int, int)}. The runtime layer is {@link FixedPaddingLayer}.
 */
public class FixedPadding extends NoParamLayer {

    /** The fixed padding rules. */
    public enum Mode {
        /** Mirror around the edge, the edge itself not repeated (PyTorch "reflect"). Needs amount &lt; size. */
        REFLECT,
        /** Repeat the edge value (PyTorch "replicate"). Any amount. */
        REPLICATE,
        /** Wrap around: the top padding comes from the bottom rows and so on (PyTorch "circular"). Amount &lt;= size. */
        CIRCULAR;

        /**
         * The input index a padded position copies from.
         *
         * @param i    position along one axis relative to the input, in {@code [-amount, size + amount)}
         * @param size the input size along that axis
         * @return an index in {@code [0, size)}
         */
        public int source(int i, int size) {
            if (i >= 0 && i < size) {
                return i;
            }
            switch (this) {
                case REFLECT:
                    return i < 0 ? -i : 2 * (size - 1) - i;
                case REPLICATE:
                    return i < 0 ? 0 : size - 1;
                case CIRCULAR:
                    return Math.floorMod(i, size);
                default:
                    throw new AssertionError(this);
            }
        }

        /** The largest amount this mode can pad an axis of the given size by. */
        public int maxAmount(int size) {
            switch (this) {
                case REFLECT:
                    return size - 1;
                case REPLICATE:
                    return size >= 1 ? Integer.MAX_VALUE : 0;
                case CIRCULAR:
                    return size;
                default:
                    throw new AssertionError(this);
            }
        }

        private String constraint() {
            switch (this) {
                case REFLECT:
                    return "reflect padding needs amount < size (the edge is not repeated)";
                case CIRCULAR:
                    return "circular padding needs amount <= size (it wraps around once)";
                default:
                    return "replicate padding needs size >= 1";
            }
        }
    }

    private Mode mode = Mode.REFLECT;
    private int top;
    private int bottom;
    private int left;
    private int right;
    private CNN2DFormat dataFormat = CNN2DFormat.NCHW;

    /** For JSON deserialisation. */
    public FixedPadding() {
    }

    protected FixedPadding(Builder b) {
        super(b);
        this.mode = b.mode;
        this.top = b.top;
        this.bottom = b.bottom;
        this.left = b.left;
        this.right = b.right;
        this.dataFormat = b.dataFormat;
    }

    /** {@code [top, bottom, left, right]}. */
    @JsonIgnore
    public int[] getPadding() {
        return amounts().toArray();
    }

    /** The four amounts as one value. */
    SideAmounts amounts() {
        return SideAmounts.of(top, bottom, left, right);
    }

    /**
     * Checks that this layer can pad an input of {@code height x width}.
     *
     * @param where who is asking, for the message (layer name and index)
     * @throws IllegalArgumentException naming the layer, side, amount, size and fix if the amount is too large
     */
    public void checkSize(long height, long width, String where) {
        SideAmounts a = amounts();
        for (Side s : Side.values()) {
            long size = s.isRow() ? height : width;
            if (a.get(s) > 0 && a.get(s) > mode.maxAmount((int) Math.min(size, Integer.MAX_VALUE))) {
                String axis = s.isRow() ? "height" : "width";
                throw new IllegalArgumentException("FixedPadding " + where + ": cannot pad " + s.key() + " by "
                        + a.get(s) + " in mode " + mode + " an input of " + axis + " " + size + ": " + mode.constraint()
                        + ". Use a larger input, a smaller padding, or REPLICATE/ZERO padding.");
            }
        }
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> trainingListeners,
                                                       int layerIndex, INDArray layerParamsView,
                                                       boolean initializeParams, DataType networkDataType) {
        FixedPaddingLayer ret = new FixedPaddingLayer(conf, networkDataType);
        ret.setListeners(trainingListeners);
        ret.setIndex(layerIndex);
        Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, initializeParams);
        ret.setParamTable(paramTable);
        ret.setConf(conf);
        return ret;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        long[] hwc = heightWidthChannels(inputType, layerIndex);
        checkSize(hwc[0], hwc[1], "(layer " + layerName + ", index " + layerIndex + ")");
        return InputType.convolutional(amounts().paddedHeight(hwc[0]), amounts().paddedWidth(hwc[1]), hwc[2],
                dataFormat);
    }

    /** {@code [H, W, C]} of a convolutional or convolutional-flat input type. */
    private long[] heightWidthChannels(InputType inputType, int layerIndex) {
        if (inputType instanceof InputType.InputTypeConvolutional) {
            InputType.InputTypeConvolutional t = (InputType.InputTypeConvolutional) inputType;
            return new long[]{t.getHeight(), t.getWidth(), t.getChannels()};
        }
        if (inputType instanceof InputType.InputTypeConvolutionalFlat) {
            // Reshaped to NCHW by the FeedForwardToCnnPreProcessor of getPreProcessorForInputType.
            InputType.InputTypeConvolutionalFlat t = (InputType.InputTypeConvolutionalFlat) inputType;
            return new long[]{t.getHeight(), t.getWidth(), t.getDepth()};
        }
        throw new IllegalArgumentException("FixedPadding (layer " + layerName + ", index " + layerIndex
                + "): expected a convolutional input type (N, C, H, W), got " + inputType
                + ". Set the network's input type with InputType.convolutional(h, w, c).");
    }

    /** Takes the data format from the network's input type (flat input is reshaped to NCHW), as ZeroPaddingLayer. */
    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (inputType instanceof InputType.InputTypeConvolutional) {
            dataFormat = ((InputType.InputTypeConvolutional) inputType).getFormat();
        } else if (inputType instanceof InputType.InputTypeConvolutionalFlat) {
            dataFormat = CNN2DFormat.NCHW;
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        if (inputType == null) {
            throw new IllegalArgumentException("FixedPadding (layer " + layerName + "): input type is null");
        }
        // CNNFlat -> FeedForwardToCnnPreProcessor, CNN -> none, as for DL4J's ZeroPaddingLayer.
        return InputTypeUtil.getPreProcessorForInputTypeCnnLayers(inputType, layerName);
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType out = getOutputType(-1, inputType);
        // No parameters, no cache, no working memory: the forward writes straight into the output activations and the
        // backward works in place in the incoming gradient (see FixedPaddingLayer), as for ZeroPaddingLayer.
        return new LayerMemoryReport.Builder(layerName, FixedPadding.class, inputType, out)
                .standardMemory(0, 0)
                .workingMemory(0, 0, MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }

    // Getters and setters: JSON (Jackson, bean properties) uses these.

    public Mode getMode() { return mode; }
    public void setMode(Mode mode) { this.mode = mode; }
    public int getTop() { return top; }
    public void setTop(int top) { this.top = top; }
    public int getBottom() { return bottom; }
    public void setBottom(int bottom) { this.bottom = bottom; }
    public int getLeft() { return left; }
    public void setLeft(int left) { this.left = left; }
    public int getRight() { return right; }
    public void setRight(int right) { this.right = right; }
    /** NCHW (default) or NHWC; set from the network's InputType when the network is built. */
    public CNN2DFormat getDataFormat() { return dataFormat; }
    public void setDataFormat(CNN2DFormat dataFormat) {
        this.dataFormat = Objects.requireNonNull(dataFormat, "FixedPadding: dataFormat must not be null");
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof FixedPadding) || !super.equals(o)) return false;
        FixedPadding p = (FixedPadding) o;
        return mode == p.mode && top == p.top && bottom == p.bottom && left == p.left && right == p.right
                && dataFormat == p.dataFormat;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), mode, top, bottom, left, right, dataFormat);
    }

    @Override
    public FixedPadding clone() {
        return (FixedPadding) super.clone();
    }

    @Override
    public String toString() {
        return "FixedPadding(" + mode + ", padding=" + Arrays.toString(getPadding())
                + (dataFormat == CNN2DFormat.NHWC ? ", NHWC" : "")
                + (layerName == null ? "" : ", name=" + layerName) + ")";
    }

    /** Builder for {@link FixedPadding}. */
    public static class Builder extends org.deeplearning4j.nn.conf.layers.Layer.Builder<Builder> {
        private final Mode mode;
        private int top;
        private int bottom;
        private int left;
        private int right;
        private CNN2DFormat dataFormat = CNN2DFormat.NCHW;

        /** @param mode REFLECT, REPLICATE or CIRCULAR */
        public Builder(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "FixedPadding: mode must not be null");
        }

        /** The same padding {@code p >= 0} on all four sides. */
        public Builder padding(int p) {
            return padding(p, p, p, p);
        }

        /** Padding per side, each {@code >= 0}. */
        public Builder padding(int top, int bottom, int left, int right) {
            this.top = top;
            this.bottom = bottom;
            this.left = left;
            this.right = right;
            return this;
        }

        /**
         * The layout of the input and output: NCHW (default) or NHWC. In a network with an InputType the network's
         * format is used (as for DL4J's ZeroPaddingLayer); this is for a layer used without one.
         */
        public Builder dataFormat(CNN2DFormat format) {
            this.dataFormat = Objects.requireNonNull(format, "FixedPadding: dataFormat must not be null");
            return this;
        }

        /**
         * @throws IllegalArgumentException if an amount is negative
         */
        @Override
        @SuppressWarnings("unchecked")
        public FixedPadding build() {
            SideAmounts a = SideAmounts.of(top, bottom, left, right);
            for (Side s : Side.values()) {
                if (a.get(s) < 0) {
                    throw new IllegalArgumentException("FixedPadding (" + mode + "): negative padding " + a.get(s)
                            + " for side " + s.key() + " in [top, bottom, left, right] = " + Arrays.toString(a.toArray())
                            + "; padding amounts must be >= 0 (use a cropping layer to remove rows/columns).");
                }
            }
            return new FixedPadding(this);
        }
    }
}
