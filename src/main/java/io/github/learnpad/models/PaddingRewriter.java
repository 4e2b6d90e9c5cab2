package io.github.learnpad.models;

import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.layers.PaddingModule;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping2D;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Rewrites an existing DL4J network configuration so that all its padding comes from explicit padding layers of a
 * chosen {@code PaddingMode} (zero, reflect, replicate, circular, or the learned Padding Module).
 *
 * <p>For every padded 2D convolution ({@code ConvolutionLayer}, {@code Convolution2D}, {@code DepthwiseConvolution2D},
 * {@code SeparableConvolution2D}; NCHW or NHWC) the rewriter inserts a padding layer with the convolution's amounts
 * and data format in front
 * of it and makes the convolution unpadded ({@code padding 0}, {@code ConvolutionMode.Truncate}). A convolution is
 * padded when it has explicit padding > 0 (Truncate/Strict: {@code padH} rows top and bottom, {@code padW} columns
 * left and right), or is in {@code ConvolutionMode.Same} with stride 1 and an effective kernel
 * {@code e = (k - 1) * dilation + 1 > 1} (DL4J then pads {@code (e - 1) / 2} before and {@code e / 2} after, per
 * dimension). Every {@code ZeroPaddingLayer} is replaced by the mode's padding layer with the same amounts and format (with
 * ZERO it is kept as it is). Pooling padding ({@code SubsamplingLayer}) is left alone.
 *
 * <p>Refused (an {@link IllegalArgumentException} naming the layer), unless the matching {@link Options} flag keeps
 * them unchanged and lists them in {@link RewriteResult#kept()}:
 * <ul>
 *     <li>Same-mode convolutions with stride > 1 (kernel > 1): DL4J computes their padding from the input size,
 *     which a configuration does not fix ({@link Options#skipStridedSame(boolean)});</li>
 *     <li>padded 1D, 3D and transposed convolutions, Causal mode, padded layers inside wrappers such as
 *     {@code FrozenLayer}
 *     ({@link Options#skipUnsupported(boolean)}).</li>
 * </ul>
 *
 * <p>Everything else is kept: layer and vertex names, outputs, updaters, the other layers. The padding layer takes
 * over the convolution's {@code InputPreProcessor} (e.g. the {@code FeedForwardToCnnPreProcessor} of a network with
 * flat input), since it now is the first layer to see the convolution's input. In a {@code ComputationGraph} the
 * padding layer is a new layer vertex named {@code <conv>-pad} (or {@code <conv>-pad2}, ... if taken) between the
 * convolution's input and the convolution; in a {@code MultiLayerConfiguration} it is a new layer just before the
 * convolution (later layer indices and preprocessor indices shift by one per inserted layer).
 *
 * <p>With {@code PaddingMode.ZERO} the rewritten network computes exactly what the original computes, given the same
 * parameters (padding layers of the fixed modes have no parameters, so copying parameters by layer name is enough).
 *
 * <p>The input configuration is never modified.
 *
 * <pre>{@code
 * ComputationGraphConfiguration learned = PaddingRewriter.rewrite(conf, PaddingMode.LEARNED);
 * RewriteResult<MultiLayerConfiguration> r = PaddingRewriter.to(PaddingMode.REPLICATE)
 *         .with(new PaddingRewriter.Options().skipStridedSame(true)).rewriteWithReport(multiLayerConf);
 * }</pre>
 *
 * <p>Initialised (trained) networks, weights and updater state included, are converted by {@link NetworkConverter},
 * which uses this class for their configurations ({@code docs/models.md}).
 */
public final class PaddingRewriter {

    private static final Logger log = LoggerFactory.getLogger(PaddingRewriter.class);

    /** Layers that keep the channel count and spatial layout: the channel search walks through them. */
    private static final Set<Class<?>> CHANNEL_PRESERVING = Set.of(ZeroPaddingLayer.class, SubsamplingLayer.class,
            ActivationLayer.class, DropoutLayer.class, Upsampling2D.class, Cropping2D.class,
            LocalResponseNormalization.class);

    /** Creates the padding layer for given amounts (top, bottom, left, right): {@code PaddingMode::layer}. */
    @FunctionalInterface
    interface PadLayerFactory {
        Layer layer(int top, int bottom, int left, int right);
    }

    /** Opt-ins for padded layers the rewriter cannot rewrite exactly. Both off by default (such layers are refused). */
    public static final class Options {
        private boolean skipStridedSame;
        private boolean skipUnsupported;
        private PaddingModule.PredictorInit predictorInit;

        /**
         * Keep Same-mode convolutions with stride > 1 unchanged (zero padded by DL4J, amounts depending on the input
         * size) instead of refusing the configuration. They are listed in {@link RewriteResult#kept()}.
         */
        public Options skipStridedSame(boolean skip) {
            this.skipStridedSame = skip;
            return this;
        }

        /**
         * Keep padded layers the rewriter does not handle (1D/3D/transposed convolutions, Causal mode)
         * unchanged instead of refusing the configuration. They are listed in {@link RewriteResult#kept()}.
         */
        public Options skipUnsupported(boolean skip) {
            this.skipUnsupported = skip;
            return this;
        }

        /**
         * The initial predictor of the Padding Modules that {@code PaddingMode.LEARNED} inserts. Default (null): the
         * Padding Module's own default ({@code REPLICATE}) when rewriting a configuration, and {@code ZEROS} (exact
         * zero padding, so the converted network computes what the trained one computed) when
         * {@link NetworkConverter} converts an initialised network.
         */
        public Options predictorInit(PaddingModule.PredictorInit init) {
            this.predictorInit = init;
            return this;
        }

        public PaddingModule.PredictorInit getPredictorInit() {
            return predictorInit;
        }

        public boolean isSkipStridedSame() {
            return skipStridedSame;
        }

        public boolean isSkipUnsupported() {
            return skipUnsupported;
        }

        Options copy() {
            return new Options().skipStridedSame(skipStridedSame).skipUnsupported(skipUnsupported)
                    .predictorInit(predictorInit);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Public API: PaddingRewriter.to(mode).with(options).rewrite(conf), and the README's one-liners

    private final PaddingMode mode;
    private final Options options;

    private PaddingRewriter(PaddingMode mode, Options options) {
        this.mode = Objects.requireNonNull(mode, "PaddingRewriter: padding mode must not be null");
        this.options = Objects.requireNonNull(options, "options");
    }

    /**
     * A rewriter to {@code mode}'s padding layers with the default {@link Options} (layers it cannot rewrite exactly
     * are refused). Immutable: {@link #with} returns a new one.
     */
    public static PaddingRewriter to(PaddingMode mode) {
        return new PaddingRewriter(mode, new Options());
    }

    /** This rewriter with {@code options} instead (a copy is kept: later changes to {@code options} do not apply). */
    public PaddingRewriter with(Options options) {
        return new PaddingRewriter(mode, Objects.requireNonNull(options, "options").copy());
    }

    /** The padding mode the rewritten configurations use. */
    public PaddingMode mode() {
        return mode;
    }

    /** A copy of this rewriter's options. */
    public Options options() {
        return options.copy();
    }

    /**
     * A new graph configuration in which all padding comes from the mode's padding layers; refuses
     * (IllegalArgumentException naming the layer) strided Same convolutions and other layers it cannot rewrite
     * exactly, unless the options keep them.
     */
    public ComputationGraphConfiguration rewrite(ComputationGraphConfiguration conf) {
        return rewriteWithReport(conf).configuration();
    }

    /**
     * A new MultiLayer configuration in which all padding comes from the mode's padding layers (one layer is
     * inserted before each padded convolution); refuses what {@link #rewrite(ComputationGraphConfiguration)} refuses.
     */
    public MultiLayerConfiguration rewrite(MultiLayerConfiguration conf) {
        return rewriteWithReport(conf).configuration();
    }

    /** The rewritten configuration with the list of rewritten and kept layers. */
    public RewriteResult<ComputationGraphConfiguration> rewriteWithReport(ComputationGraphConfiguration conf) {
        return rewriteGraph(Objects.requireNonNull(conf, "configuration"), factory(), mode == PaddingMode.ZERO,
                options);
    }

    /** The rewritten configuration with the list of rewritten and kept layers. */
    public RewriteResult<MultiLayerConfiguration> rewriteWithReport(MultiLayerConfiguration conf) {
        return rewriteMultiLayer(Objects.requireNonNull(conf, "configuration"), factory(), mode == PaddingMode.ZERO,
                options);
    }

    /** {@code PaddingRewriter.to(mode).rewrite(conf)}. */
    public static ComputationGraphConfiguration rewrite(ComputationGraphConfiguration conf, PaddingMode mode) {
        return to(mode).rewrite(conf);
    }

    /** {@code PaddingRewriter.to(mode).rewrite(conf)}. */
    public static MultiLayerConfiguration rewrite(MultiLayerConfiguration conf, PaddingMode mode) {
        return to(mode).rewrite(conf);
    }

    /** The mode's padding layers; Padding Modules with the options' predictor initialisation when it is set. */
    private PadLayerFactory factory() {
        PaddingModule.PredictorInit init = options.predictorInit;
        if (mode != PaddingMode.LEARNED || init == null) {
            return mode::layer;
        }
        return (top, bottom, left, right) -> {
            PaddingModule m = (PaddingModule) mode.layer(top, bottom, left, right);
            m.setPredictorInit(init);
            return m;
        };
    }

    // ---------------------------------------------------------------------------------------------------------------
    // ComputationGraph

    private static RewriteResult<ComputationGraphConfiguration> rewriteGraph(ComputationGraphConfiguration original,
            PadLayerFactory factory, boolean keepZeroPaddingLayers, Options options) {
        ComputationGraphConfiguration conf = original.clone();
        Map<String, List<String>> inputs = new LinkedHashMap<>();
        conf.getVertexInputs().forEach((k, v) -> inputs.put(k, new ArrayList<>(v)));
        Set<String> names = new HashSet<>(conf.getVertices().keySet());
        names.addAll(conf.getNetworkInputs());

        Map<String, GraphVertex> vertices = new LinkedHashMap<>();
        List<String> rewritten = new ArrayList<>();
        Map<String, String> kept = new LinkedHashMap<>();
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            String name = e.getKey();
            if (!(e.getValue() instanceof LayerVertex)) {
                vertices.put(name, e.getValue());
                continue;
            }
            LayerVertex lv = (LayerVertex) e.getValue();
            Layer layer = lv.getLayerConf().getLayer();
            PaddingSite site = PaddingSite.of(layer);
            switch (site.kind) {
                case STRIDED_SAME:
                case UNSUPPORTED:
                    keepOrRefuse(name, site, options, kept);
                    vertices.put(name, lv);
                    break;
                case ZERO_PADDING_LAYER:
                    if (!keepZeroPaddingLayers) {
                        long c = graphChannelsAfter(conf, name, new HashSet<>());
                        if (c <= 0) {
                            throw new IllegalArgumentException(noChannelsMessage(name));
                        }
                        lv.setLayerConf(layerConf(lv.getLayerConf(), padLayer(factory, site, name, c)));
                        rewritten.add(name);
                    }
                    vertices.put(name, lv);
                    break;
                case CONVOLUTION: {
                    List<String> in = inputs.get(name);
                    if (in == null || in.size() != 1) {
                        throw new IllegalArgumentException("PaddingRewriter: convolution \"" + name + "\" has "
                                + (in == null ? 0 : in.size()) + " inputs " + in + "; a layer vertex normally has "
                                + "exactly one (the GraphBuilder inserts a MergeVertex for several). Merge the inputs "
                                + "with a MergeVertex first");
                    }
                    ConvolutionLayer conv = (ConvolutionLayer) layer;
                    String padName = uniqueName(name + "-pad", names);
                    names.add(padName);
                    Layer pad = padLayer(factory, site, padName, conv.getNIn());
                    vertices.put(padName, new LayerVertex(layerConf(lv.getLayerConf(), pad), lv.getPreProcessor()));
                    lv.setPreProcessor(null);
                    unpad(conv);
                    vertices.put(name, lv);
                    inputs.put(padName, new ArrayList<>(in));
                    inputs.put(name, new ArrayList<>(List.of(padName)));
                    rewritten.add(name);
                    break;
                }
                default:
                    vertices.put(name, lv);
            }
        }
        conf.setVertices(vertices);
        conf.setVertexInputs(inputs);
        // The topological order is cached in the configuration: recompute it for the new vertices.
        conf.setTopologicalOrder(null);
        conf.setTopologicalOrderStr(null);
        logKept(kept);
        return new RewriteResult<>(conf, rewritten, kept);
    }

    /**
     * The channel count a vertex's output must have, read from the nIn of the convolution or batch normalisation it
     * feeds (possibly through channel-preserving layers and element-wise vertices). 0 if it cannot be told.
     */
    private static long graphChannelsAfter(ComputationGraphConfiguration conf, String vertex, Set<String> seen) {
        if (!seen.add(vertex)) {
            return 0;
        }
        for (Map.Entry<String, List<String>> e : conf.getVertexInputs().entrySet()) {
            if (!e.getValue().contains(vertex)) {
                continue;
            }
            GraphVertex consumer = conf.getVertices().get(e.getKey());
            long c = 0;
            if (consumer instanceof ElementWiseVertex) {
                c = graphChannelsAfter(conf, e.getKey(), seen);
            } else if (consumer instanceof LayerVertex && ((LayerVertex) consumer).getPreProcessor() == null) {
                Layer l = ((LayerVertex) consumer).getLayerConf().getLayer();
                c = channelsIn(l);
                if (c == 0 && CHANNEL_PRESERVING.contains(l.getClass())) {
                    c = graphChannelsAfter(conf, e.getKey(), seen);
                }
            }
            if (c > 0) {
                return c;
            }
        }
        return 0;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // MultiLayerNetwork

    private static RewriteResult<MultiLayerConfiguration> rewriteMultiLayer(MultiLayerConfiguration original,
            PadLayerFactory factory, boolean keepZeroPaddingLayers, Options options) {
        MultiLayerConfiguration conf = original.clone();
        List<NeuralNetConfiguration> old = conf.getConfs();
        List<NeuralNetConfiguration> confs = new ArrayList<>();
        Map<Integer, InputPreProcessor> preprocessors = new HashMap<>();
        List<String> rewritten = new ArrayList<>();
        Map<String, String> kept = new LinkedHashMap<>();
        for (int i = 0; i < old.size(); i++) {
            NeuralNetConfiguration nnc = old.get(i);
            Layer layer = nnc.getLayer();
            String name = layer.getLayerName() != null ? layer.getLayerName() : "layer" + i;
            InputPreProcessor pre = conf.getInputPreProcess(i);
            PaddingSite site = PaddingSite.of(layer);
            switch (site.kind) {
                case STRIDED_SAME:
                case UNSUPPORTED:
                    keepOrRefuse(name, site, options, kept);
                    break;
                case ZERO_PADDING_LAYER:
                    if (!keepZeroPaddingLayers) {
                        long c = multiLayerChannelsAfter(conf, i);
                        if (c <= 0) {
                            throw new IllegalArgumentException(noChannelsMessage(name));
                        }
                        nnc = layerConf(nnc, padLayer(factory, site, layer.getLayerName(), c));
                        rewritten.add(name);
                    }
                    break;
                case CONVOLUTION: {
                    ConvolutionLayer conv = (ConvolutionLayer) layer;
                    Layer pad = padLayer(factory, site, name + "-pad", conv.getNIn());
                    if (pre != null) {
                        preprocessors.put(confs.size(), pre);
                        pre = null;
                    }
                    confs.add(layerConf(nnc, pad));
                    unpad(conv);
                    rewritten.add(name);
                    break;
                }
                default:
                    break;
            }
            if (pre != null) {
                preprocessors.put(confs.size(), pre);
            }
            confs.add(nnc);
        }
        conf.setConfs(confs);
        conf.setInputPreProcessors(preprocessors);
        logKept(kept);
        return new RewriteResult<>(conf, rewritten, kept);
    }

    private static long multiLayerChannelsAfter(MultiLayerConfiguration conf, int index) {
        for (int j = index + 1; j < conf.getConfs().size(); j++) {
            if (conf.getInputPreProcess(j) != null) {
                return 0;
            }
            Layer l = conf.getConf(j).getLayer();
            long c = channelsIn(l);
            if (c > 0) {
                return c;
            }
            if (!CHANNEL_PRESERVING.contains(l.getClass())) {
                return 0;
            }
        }
        return 0;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Shared

    private static long channelsIn(Layer l) {
        if (l instanceof ConvolutionLayer) {
            return ((ConvolutionLayer) l).getNIn();
        }
        if (l instanceof BatchNormalization) {
            return ((BatchNormalization) l).getNIn();
        }
        return 0;
    }

    private static String noChannelsMessage(String name) {
        return "PaddingRewriter: cannot tell the channel count of ZeroPaddingLayer \"" + name + "\": it must feed, "
                + "directly or through pooling/activation/dropout/padding layers or element-wise vertices, a "
                + "convolution or batch normalisation whose nIn is set (build the configuration with setInputType(s))";
    }

    private static void keepOrRefuse(String name, PaddingSite site, Options options, Map<String, String> kept) {
        boolean skip = site.kind == PaddingSite.Kind.STRIDED_SAME ? options.skipStridedSame : options.skipUnsupported;
        if (!skip) {
            String flag = site.kind == PaddingSite.Kind.STRIDED_SAME ? "skipStridedSame(true)" : "skipUnsupported(true)";
            throw new IllegalArgumentException("PaddingRewriter: cannot rewrite layer \"" + name + "\": " + site.reason
                    + ". Change the layer (e.g. explicit padding with ConvolutionMode.Truncate), or pass "
                    + "new PaddingRewriter.Options()." + flag + " to keep it zero padded as it is");
        }
        kept.put(name, site.reason);
    }

    private static void logKept(Map<String, String> kept) {
        kept.forEach((n, why) -> log.warn("PaddingRewriter kept layer \"{}\" unchanged (zero padded): {}", n, why));
    }

    private static Layer padLayer(PadLayerFactory factory, PaddingSite site, String name, long channels) {
        int[] a = site.amounts;
        Layer pad = factory.layer(a[0], a[1], a[2], a[3]);
        pad.setLayerName(name);
        // Only the channel count and the format are known from a built configuration (spatial sizes are not stored
        // in it); padding layers need nothing else to size their parameters and to take the format (from setNIn, as
        // DL4J's layers do).
        pad.setNIn(InputType.convolutional(1, 1, channels, site.format), true);
        return pad;
    }

    /** A per-layer configuration like {@code template} (same global settings) holding {@code layer}. */
    private static NeuralNetConfiguration layerConf(NeuralNetConfiguration template, Layer layer) {
        NeuralNetConfiguration c = template.clone();
        c.clearVariables();
        c.setLayer(layer);
        return c;
    }

    private static void unpad(ConvolutionLayer conv) {
        conv.setPadding(new int[]{0, 0});
        conv.setConvolutionMode(ConvolutionMode.Truncate);
    }

    private static String uniqueName(String base, Set<String> taken) {
        String n = base;
        for (int i = 2; taken.contains(n); i++) {
            n = base + i;
        }
        return n;
    }
}
