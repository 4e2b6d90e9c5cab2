package io.github.learnpad.cli;

import io.github.learnpad.data.ChannelPolicy;
import io.github.learnpad.data.ImageDataset;
import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.models.NetworkConverter;
import io.github.learnpad.training.RunMetadata;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The starting point of {@code learnpad train --init-from}: a saved network (with its updater state), optionally
 * converted to another padding, and the image shape it was trained on.
 */
final class InitFrom {
    final Path zip;
    final Model net;
    /** (C, H, W) from the run.json next to the model, or null. */
    final int[] inputShape;
    final PaddingMode padding;
    final boolean converted;

    private InitFrom(Path zip, Model net, int[] inputShape, PaddingMode padding, boolean converted) {
        this.zip = zip;
        this.net = net;
        this.inputShape = inputShape;
        this.padding = padding;
        this.converted = converted;
    }

    /**
     * Loads {@code modelOrRunDir}; with {@code convertTo} not null, converts it with {@link NetworkConverter} (Padding
     * Modules start as zero padding).
     */
    static InitFrom load(Path modelOrRunDir, PaddingMode convertTo) throws IOException {
        Path zip = SavedModels.zip(modelOrRunDir);
        Model net = SavedModels.load(zip, true);
        int[] shape = RunMetadata.inputShape(zip.toAbsolutePath().getParent()).orElse(null);
        if (convertTo == null) {
            return new InitFrom(zip, net, shape, paddingOf(net), false);
        }
        Model c = net instanceof ComputationGraph ? NetworkConverter.convert((ComputationGraph) net, convertTo)
                : NetworkConverter.convert((MultiLayerNetwork) net, convertTo);
        return new InitFrom(zip, c, shape, convertTo, true);
    }

    /** Unless the user chose them, resize to the image size and use the channels the network was trained on. */
    void applyDefaults(TrainingOptions o) {
        if (inputShape == null) {
            return;
        }
        if (o.imageSize == 0 && inputShape[1] == inputShape[2]) {
            o.imageSize = inputShape[1];
        }
        if (o.channels == ChannelPolicy.KEEP) {
            o.channels = inputShape[0] == 1 ? ChannelPolicy.GREY : ChannelPolicy.RGB;
        }
    }

    /** Fails with what to change if the data's classes or image shape do not fit the network. */
    void check(ImageDataset data) {
        long classes = SavedModels.classes(net);
        if (classes > 0 && classes != data.numClasses()) {
            throw new IllegalArgumentException(zip + " has " + classes + " classes, " + data.name() + " has "
                    + data.numClasses() + "; fine-tune on a dataset with the same classes");
        }
        try {
            org.nd4j.linalg.api.ndarray.INDArray one = data.features().get(NDArrayIndex.interval(0, 1),
                    NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
            if (net instanceof ComputationGraph) {
                ((ComputationGraph) net).outputSingle(one);
            } else {
                ((MultiLayerNetwork) net).output(one);
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(zip + " does not accept " + data.name() + "'s images (" + data.channels()
                    + ", " + data.height() + ", " + data.width() + "): " + LearnPadCli.message(e) + ". Pass the "
                    + "--image-size and --channels it was trained with", e);
        }
    }

    /** LEARNED if the network has a Padding Module, else the one fixed mode of its padding layers, else ZERO. */
    static PaddingMode paddingOf(Model net) {
        org.deeplearning4j.nn.api.Layer[] layers = net instanceof ComputationGraph ? ((ComputationGraph) net).getLayers()
                : ((MultiLayerNetwork) net).getLayers();
        Set<PaddingMode> modes = new LinkedHashSet<>();
        Arrays.stream(layers).map(l -> l.conf().getLayer()).forEach(l -> {
            try {
                modes.add(PaddingMode.of(l));
            } catch (IllegalArgumentException notPadding) {
                // not a padding layer
            }
        });
        if (modes.contains(PaddingMode.LEARNED)) {
            return PaddingMode.LEARNED;
        }
        modes.remove(PaddingMode.ZERO);
        return modes.size() == 1 ? modes.iterator().next() : PaddingMode.ZERO;
    }
}
