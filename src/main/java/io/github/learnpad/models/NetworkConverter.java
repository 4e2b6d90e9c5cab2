package io.github.learnpad.models;

import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.layers.PaddingModule;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Trainable;
import org.deeplearning4j.nn.api.Updater;
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
 * Converts initialised (trained) networks: {@link PaddingRewriter#rewrite(ComputationGraph, PaddingMode)} and
 * {@link PaddingRewriter#rewrite(MultiLayerNetwork, PaddingMode)}. The configuration is rewritten as for configurations,
 * a new network is initialised from it, and then every parameter of the original (weights, biases, batch-norm mean
 * and variance: everything in the layers' parameter tables) and, where the original has one, the updater state of
 * every original parameter are copied into it. New padding layers keep their initialisation; the original network is
 * only read.
 */
final class NetworkConverter {

    private static final Logger log = LoggerFactory.getLogger(NetworkConverter.class);

    private NetworkConverter() {
    }

    static ComputationGraph convert(ComputationGraph original, PaddingMode mode, PaddingRewriter.Options options) {
        requireInitialised(original.getLayers(), "ComputationGraph");
        RewriteResult<?> r = PaddingRewriter.rewriteGraph(original.getConfiguration(),
                PaddingRewriter.factory(mode, trainedInit(options)), mode == PaddingMode.ZERO, options);
        ComputationGraph net = new ComputationGraph(
                (org.deeplearning4j.nn.conf.ComputationGraphConfiguration) r.configuration());
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

    static MultiLayerNetwork convert(MultiLayerNetwork original, PaddingMode mode, PaddingRewriter.Options options) {
        requireInitialised(original.getLayers(), "MultiLayerNetwork");
        MultiLayerConfiguration origConf = original.getLayerWiseConfigurations();
        RewriteResult<MultiLayerConfiguration> r = PaddingRewriter.rewriteMultiLayer(origConf,
                PaddingRewriter.factory(mode, trainedInit(options)), mode == PaddingMode.ZERO, options);
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
    private static PaddingModule.PredictorInit trainedInit(PaddingRewriter.Options options) {
        return options.getPredictorInit() != null ? options.getPredictorInit() : PaddingModule.PredictorInit.ZEROS;
    }

    private static void requireInitialised(Layer[] layers, String what) {
        if (layers == null) {
            throw new IllegalArgumentException("PaddingRewriter: the " + what + " is not initialised; call init() "
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
                throw new IllegalStateException("PaddingRewriter: layer \"" + name + "\" has no counterpart of the "
                        + "same class in the converted network (found " + (to == null ? "none"
                        : to.conf().getLayer().getClass().getSimpleName()) + ")");
            }
            Map<String, INDArray> src = from.paramTable(false);
            Map<String, INDArray> dst = to.paramTable(false);
            if (!src.keySet().equals(dst.keySet())) {
                throw new IllegalStateException("PaddingRewriter: layer \"" + name + "\" has parameters "
                        + src.keySet() + " but its converted counterpart has " + dst.keySet());
            }
            for (Map.Entry<String, INDArray> p : src.entrySet()) {
                INDArray d = dst.get(p.getKey());
                if (!Arrays.equals(p.getValue().shape(), d.shape())) {
                    throw new IllegalStateException("PaddingRewriter: parameter " + p.getKey() + " of layer \"" + name
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
                throw new IllegalStateException("PaddingRewriter: converted layer \"" + l.conf().getLayer()
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
                    log.warn("PaddingRewriter: updater state of parameter {} of layer \"{}\" not copied (updater {} "
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
        log.debug("PaddingRewriter: copied the updater state of {} parameters", copied);
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
