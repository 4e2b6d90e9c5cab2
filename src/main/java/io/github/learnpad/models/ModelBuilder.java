package io.github.learnpad.models;

import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.layers.PaddingVariant;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

import java.util.Objects;

/**
 * The options shared by {@link Vgg16} and {@link ResNet50}: number of classes (required), input shape
 * {@code (channels, height, width)} (default 3 x 32 x 32), padding mode (default ZERO), seed (default 42),
 * variant (default {@link Variant#defaultFor}), updater (default {@code Adam(1e-3)}) and data type (default FLOAT).
 * The network's input is NCHW {@code (N, channels, height, width)}; its output is {@code (N, numClasses)} softmax
 * probabilities (negative log-likelihood loss, one-hot labels).
 *
 * @param <B> the concrete builder (for chaining)
 * @param <M> the model it builds
 */
public abstract class ModelBuilder<B extends ModelBuilder<B, M>, M extends ModelBuilder.Model> {
    int numClasses;
    int channels = 3;
    int height = 32;
    int width = 32;
    PaddingVariant padding = PaddingVariant.of(PaddingMode.ZERO);
    long seed = 42;
    Variant variant;
    IUpdater updater = new Adam(1e-3);
    DataType dataType = DataType.FLOAT;

    ModelBuilder() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** Number of output classes (required, >= 1). */
    public B numClasses(int numClasses) {
        this.numClasses = numClasses;
        return self();
    }

    /** Input shape: channels, height, width (NCHW input). */
    public B inputShape(int channels, int height, int width) {
        this.channels = channels;
        this.height = height;
        this.width = width;
        return self();
    }

    /** The padding around every padded convolution (and the ResNet50 stem). Default ZERO. */
    public B padding(PaddingMode padding) {
        return padding(PaddingVariant.of(Objects.requireNonNull(padding, "padding mode must not be null")));
    }

    /** A named padding variant (e.g. {@link PaddingVariant#LEARNED_MIXING}) around every padded convolution. */
    public B padding(PaddingVariant padding) {
        this.padding = Objects.requireNonNull(padding, "padding variant must not be null");
        return self();
    }

    /** Seed of the parameter initialisation (and dropout). */
    public B seed(long seed) {
        this.seed = seed;
        return self();
    }

    /** Layout; default CIFAR for inputs up to 64 x 64, IMAGENET above. */
    public B variant(Variant variant) {
        this.variant = Objects.requireNonNull(variant, "variant must not be null");
        return self();
    }

    /** Updater of the network's weights (the Padding Module's predictors keep their own). Default Adam(1e-3). */
    public B updater(IUpdater updater) {
        this.updater = Objects.requireNonNull(updater, "updater must not be null");
        return self();
    }

    /** Network data type (FLOAT default; DOUBLE for gradient checks). */
    public B dataType(DataType dataType) {
        this.dataType = Objects.requireNonNull(dataType, "dataType must not be null");
        return self();
    }

    /** The variant actually used: the one set, or {@link Variant#defaultFor} the input size. */
    Variant resolvedVariant() {
        return variant != null ? variant : Variant.defaultFor(height, width);
    }

    void validate(String model) {
        if (numClasses < 1) {
            throw new IllegalStateException(model + ": numClasses is required (>= 1), got " + numClasses
                    + ". Call .numClasses(n) on the builder");
        }
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalStateException(model + ": invalid inputShape (" + channels + ", " + height + ", " + width
                    + "); all must be >= 1");
        }
    }

    /**
     * What every LearnPad model's configuration shares: the seed, data type and updater of this builder, He (ReLU)
     * initialisation and unpadded (Truncate) convolutions, whose borders come from the padding layers.
     */
    NeuralNetConfiguration.Builder common() {
        return new NeuralNetConfiguration.Builder().seed(seed).dataType(dataType).updater(updater)
                .weightInit(WeightInit.RELU).convolutionMode(ConvolutionMode.Truncate);
    }

    /** The graph of {@code nn} with one input, {@code "input"}, of this builder's shape {@code (N, C, H, W)}. */
    ComputationGraphConfiguration.GraphBuilder graph(NeuralNetConfiguration.Builder nn) {
        return nn.graphBuilder().addInputs("input").setInputTypes(InputType.convolutional(height, width, channels));
    }

    /** Validates the options and builds the model description ({@code conf()} / {@code init()}). */
    public abstract M build();

    /** What the builders produce: a configuration and a way to get an initialised network from it. */
    public abstract static class Model {
        private final ComputationGraphConfiguration conf;

        Model(ComputationGraphConfiguration conf) {
            this.conf = conf;
        }

        /** The network configuration (a fresh copy on each call). */
        public ComputationGraphConfiguration conf() {
            return conf.clone();
        }

        /** A new initialised network. */
        public ComputationGraph init() {
            ComputationGraph g = new ComputationGraph(conf());
            g.init();
            return g;
        }
    }
}
