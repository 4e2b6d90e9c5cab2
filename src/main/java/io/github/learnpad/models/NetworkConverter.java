package io.github.learnpad.models;

import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.layers.PaddingModule;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Trainable;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.IUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Converts initialised (typically trained) networks to another padding, weights and updater state included. The
 * configuration is rewritten by {@link PaddingRewriter} (this class builds on it, never the other way round), a new
 * network is initialised from it, and then every parameter of the original (weights, biases, batch-norm mean and
 * variance: everything in the layers' parameter tables) and, where the original has one, the updater state of every
 * original parameter are copied into it. New padding layers keep their initialisation: the Padding Modules that
 * {@code PaddingMode.LEARNED} inserts start as exact zero padding (predictor weights and biases 0), so the converted
 * network computes what the original computes until fine-tuning moves the predictors;
 * {@code new PaddingRewriter.Options().predictorInit(PredictorInit.REPLICATE)} starts them as replicate padding
 * instead. The original network is only read.
 *
 * <pre>{@code
 * ComputationGraph learned = NetworkConverter.convert(trainedGraph, PaddingMode.LEARNED);
 * learned.fit(trainIter);   // fine-tune: the Padding Modules learn from their local loss
 * MultiLayerNetwork r = NetworkConverter.to(PaddingMode.LEARNED)
 *         .with(new PaddingRewriter.Options().predictorInit(PaddingModule.PredictorInit.REPLICATE)).convert(trainedNet);
 * }</pre>
 *
 * In a {@code MultiLayerNetwork}, layer indices shift by one per inserted padding layer.
 */
public final class NetworkConverter {

    private static final Logger log = LoggerFactory.getLogger(NetworkConverter.class);

    private final PaddingRewriter rewriter;

    private NetworkConverter(PaddingRewriter rewriter) {
        this.rewriter = rewriter;
    }

    /** A converter to {@code mode}'s padding layers, with the default options (see {@link #with}). */
    public static NetworkConverter to(PaddingMode mode) {
        return new NetworkConverter(PaddingRewriter.to(mode).with(trainedDefaults(new PaddingRewriter.Options())));
    }

    /**
     * This converter with {@code options}: which layers to keep rather than refuse, and the Padding Modules' initial
     * predictor (default here: {@code ZEROS}, exact zero padding).
     */
    public NetworkConverter with(PaddingRewriter.Options options) {
        return new NetworkConverter(rewriter.with(trainedDefaults(options)));
    }

    /** {@code NetworkConverter.to(mode).convert(trained)}. */
    public static ComputationGraph convert(ComputationGraph trained, PaddingMode mode) {
        return to(mode).convert(trained);
    }

    /** {@code NetworkConverter.to(mode).convert(trained)}. */
    public static MultiLayerNetwork convert(MultiLayerNetwork trained, PaddingMode mode) {
        return to(mode).convert(trained);
    }

    /**
     * A new, initialised graph with the rewritten configuration and a copy of {@code original}'s parameters and
     * updater state.
     *
     * @throws IllegalArgumentException if {@code original} is not initialised, or has a layer the rewriter refuses
     */
    public ComputationGraph convert(ComputationGraph original) {
        requireInitialised(Objects.requireNonNull(original, "network").getLayers(), "ComputationGraph");
        RewriteResult<ComputationGraphConfiguration> r = rewriter.rewriteWithReport(original.getConfiguration());
        ComputationGraph net = new ComputationGraph(r.configuration());
        net.init();
        Map<Layer, Layer> map = new HashMap<>();
        for (Layer from : original.getLayers()) {
            String name = from.conf().getLayer().getLayerName();
            map.put(from, net.getLayer(name));
        }
        copyParameters(map, net.getLayers());
        copyUpdaterState(original.getUpdater(false), net.getUpdater(true),
                t -> t.getConfig().getLayerName(), t -> t.getConfig().getLayerName());
        return net;
    }

    /**
     * A new, initialised {@code MultiLayerNetwork} with the rewritten configuration and a copy of {@code original}'s
     * parameters and updater state.
     *
     * @throws IllegalArgumentException if {@code original} is not initialised, or has a layer the rewriter refuses
     */
    public MultiLayerNetwork convert(MultiLayerNetwork original) {
        requireInitialised(Objects.requireNonNull(original, "network").getLayers(), "MultiLayerNetwork");
        MultiLayerConfiguration origConf = original.getLayerWiseConfigurations();
        RewriteResult<MultiLayerConfiguration> r = rewriter.rewriteWithReport(origConf);
        MultiLayerNetwork net = new MultiLayerNetwork(r.configuration());
        net.init();
        // The rewriter inserts one padding layer just before each rewritten convolution and nowhere else.
        int[] newIndex = new int[original.getnLayers()];
        int inserted = 0;
        for (int i = 0; i < newIndex.length; i++) {
            if (PaddingSite.of(origConf.getConf(i).getLayer()).kind == PaddingSite.Kind.CONVOLUTION) {
                inserted++;
            }
            newIndex[i] = i + inserted;
        }
        Map<Layer, Layer> map = new HashMap<>();
        for (int i = 0; i < newIndex.length; i++) {
            map.put(original.getLayer(i), net.getLayer(newIndex[i]));
        }
        copyParameters(map, net.getLayers());
        copyUpdaterState(original.getUpdater(false), net.getUpdater(true),
                t -> String.valueOf(newIndex[((Layer) t).getIndex()]), t -> String.valueOf(((Layer) t).getIndex()));
        return net;
    }

    /** The Padding Modules of a converted trained network start as zero padding unless the caller chose otherwise. */
    private static PaddingRewriter.Options trainedDefaults(PaddingRewriter.Options options) {
        PaddingRewriter.Options o = Objects.requireNonNull(options, "options").copy();
        return o.getPredictorInit() != null ? o : o.predictorInit(PaddingModule.PredictorInit.ZEROS);
    }

    private static void requireInitialised(Layer[] layers, String what) {
        if (layers == null) {
            throw new IllegalArgumentException("NetworkConverter: the " + what + " is not initialised; call init() "
                    + "(or load it with ModelSerializer) before converting it, or rewrite its configuration instead");
        }
    }

    /**
     * Copies every parameter of each original layer with parameters into its counterpart (same configuration class,
     * same parameter names and shapes, or an exception naming the layer), and checks that the converted network's other layers are
     * the new padding layers.
     */
    private static void copyParameters(Map<Layer, Layer> map, Layer[] converted) {
        for (Map.Entry<Layer, Layer> e : map.entrySet()) {
            Layer from = e.getKey();
            Layer to = e.getValue();
            if (from.numParams() == 0) {
                continue; // nothing to copy (a replaced ZeroPaddingLayer, pooling, activation...)
            }
            String name = from.conf().getLayer().getLayerName();
            if (to == null || to.conf().getLayer().getClass() != from.conf().getLayer().getClass()) {
                throw new IllegalStateException("NetworkConverter: layer \"" + name + "\" has no counterpart of the "
                        + "same class in the converted network (found " + (to == null ? "none"
                        : to.conf().getLayer().getClass().getSimpleName()) + ")");
            }
            Map<String, INDArray> src = from.paramTable(false);
            Map<String, INDArray> dst = to.paramTable(false);
            if (!src.keySet().equals(dst.keySet())) {
                throw new IllegalStateException("NetworkConverter: layer \"" + name + "\" has parameters "
                        + src.keySet() + " but its converted counterpart has " + dst.keySet());
            }
            for (Map.Entry<String, INDArray> p : src.entrySet()) {
                INDArray d = dst.get(p.getKey());
                if (!Arrays.equals(p.getValue().shape(), d.shape())) {
                    throw new IllegalStateException("NetworkConverter: parameter " + p.getKey() + " of layer \"" + name
                            + "\" has shape " + Arrays.toString(p.getValue().shape()) + " but "
                            + Arrays.toString(d.shape()) + " after conversion");
                }
                d.assign(p.getValue());
            }
        }
        List<Layer> targets = new ArrayList<>(map.values());
        for (Layer l : converted) {
            if (l.numParams() > 0 && targets.stream().noneMatch(t -> t == l)
                    && !(l.conf().getLayer() instanceof PaddingModule)) {
                throw new IllegalStateException("NetworkConverter: converted layer \"" + l.conf().getLayer()
                        .getLayerName() + "\" has parameters but no original: a rewriter bug, please report it");
            }
        }
    }

    /**
     * Copies the updater state (e.g. Adam's moment estimates) of every original parameter into the state of the
     * same parameter in the converted network. DL4J stores the state of a block of parameters sharing one updater
     * configuration as {@code k} consecutive segments, each laid out like the block's flattened parameters
     * ({@code k = stateSize(n) / n}: 2 for Adam, 1 for Nesterovs, 0 for Sgd), and the converted network's blocks
     * differ from the original's wherever a padding layer was inserted, so the copy goes parameter by parameter.
     * Parameters of new layers keep a fresh (zero) state. Nothing is copied when the original has no updater state.
     *
     * @param fromKey the converted network's layer key of an original layer
     * @param toKey   the layer key of a converted layer
     */
    private static void copyUpdaterState(Updater fromUpdater, Updater toUpdater, Function<Trainable, String> fromKey,
            Function<Trainable, String> toKey) {
        if (!(fromUpdater instanceof BaseMultiLayerUpdater) || !(toUpdater instanceof BaseMultiLayerUpdater)) {
            return;
        }
        BaseMultiLayerUpdater<?> from = (BaseMultiLayerUpdater<?>) fromUpdater;
        BaseMultiLayerUpdater<?> to = (BaseMultiLayerUpdater<?>) toUpdater;
        if (from.getStateViewArray() == null || to.getStateViewArray() == null) {
            return;
        }
        INDArray src = from.getStateViewArray().reshape(from.getStateViewArray().length());
        INDArray dst = to.getStateViewArray().reshape(to.getStateViewArray().length());
        Map<String, Slot> sources = new HashMap<>();
        for (UpdaterBlock b : from.getUpdaterBlocks()) {
            for (UpdaterBlock.ParamState ps : b.getLayersAndVariablesInBlock()) {
                sources.put(fromKey.apply(ps.getLayer()) + "/" + ps.getParamName(), new Slot(b, ps));
            }
        }
        int copied = 0;
        for (UpdaterBlock b : to.getUpdaterBlocks()) {
            for (UpdaterBlock.ParamState ps : b.getLayersAndVariablesInBlock()) {
                Slot s = sources.get(toKey.apply(ps.getLayer()) + "/" + ps.getParamName());
                if (s == null) {
                    continue;
                }
                Slot d = new Slot(b, ps);
                int k = s.segments();
                if (k < 0 || k != d.segments() || !Objects.equals(s.updater(), d.updater())) {
                    log.warn("NetworkConverter: updater state of parameter {} of layer \"{}\" not copied (updater {} "
                            + "vs {}); it starts fresh", ps.getParamName(), ps.getLayer().getConfig().getLayerName(),
                            s.updater(), d.updater());
                    continue;
                }
                int n = ps.getParamOffsetEnd() - ps.getParamOffsetStart();
                for (int seg = 0; seg < k; seg++) {
                    long a = s.stateOffset(seg);
                    long c = d.stateOffset(seg);
                    dst.get(NDArrayIndex.interval(c, c + n)).assign(src.get(NDArrayIndex.interval(a, a + n)));
                }
                copied++;
            }
        }
        log.debug("NetworkConverter: copied the updater state of {} parameters", copied);
    }

    /** Where one parameter's updater state lives inside its block. */
    private static final class Slot {
        final UpdaterBlock block;
        final UpdaterBlock.ParamState param;

        Slot(UpdaterBlock block, UpdaterBlock.ParamState param) {
            this.block = block;
            this.param = param;
        }

        IUpdater updater() {
            return param.getLayer().getConfig().getUpdaterByParam(param.getParamName());
        }

        long blockParams() {
            return block.getParamOffsetEnd() - block.getParamOffsetStart();
        }

        /** State segments per parameter, or -1 if the state is not a whole number of per-parameter segments. */
        int segments() {
            long n = blockParams();
            long state = block.getUpdaterViewOffsetEnd() - block.getUpdaterViewOffsetStart();
            return n == 0 || state % n != 0 ? -1 : (int) (state / n);
        }

        long stateOffset(int segment) {
            return block.getUpdaterViewOffsetStart() + segment * blockParams()
                    + (param.getParamOffsetStart() - block.getParamOffsetStart());
        }
    }
}
