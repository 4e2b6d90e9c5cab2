package io.github.learnpad.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Padding Modules' own (local, self-supervised) losses in a network: they never reach {@code net.score()}, which
 * is the network's loss only.
 *
 * <pre>{@code
 * net.fit(trainIter);
 * LocalLosses.of(net);               // {layer0=0.158...}, by layer name (or index), in network order
 * LocalLosses.last(net.getLayer(0)); // one layer's
 * }</pre>
 */
public final class LocalLosses {
    private LocalLosses() {
    }

    /**
     * The last local loss of a runtime Padding Module layer (as found in {@code net.getLayers()}), averaged over its
     * padded sides; {@code NaN} before any training pass, or when the local loss is {@link PaddingModule.LocalLoss#NONE}.
     *
     * @throws IllegalArgumentException if the layer is not a Padding Module
     */
    public static double last(Layer layer) {
        if (layer instanceof PaddingModuleLayer) {
            return ((PaddingModuleLayer) layer).getLastLocalLoss();
        }
        throw new IllegalArgumentException("Not a Padding Module layer: "
                + (layer == null ? "null" : layer.getClass().getName()));
    }

    /** The last local loss of every Padding Module in a network, by layer name (or index), in network order. */
    public static Map<String, Double> of(Model net) {
        Layer[] layers;
        if (net instanceof MultiLayerNetwork) {
            layers = ((MultiLayerNetwork) net).getLayers();
        } else if (net instanceof ComputationGraph) {
            layers = ((ComputationGraph) net).getLayers();
        } else {
            throw new IllegalArgumentException("Expected a MultiLayerNetwork or ComputationGraph, got "
                    + (net == null ? "null" : net.getClass().getName()));
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (Layer l : layers) {
            if (l instanceof PaddingModuleLayer) {
                String name = l.conf().getLayer().getLayerName();
                out.put(name != null ? name : String.valueOf(l.getIndex()), ((PaddingModuleLayer) l).getLastLocalLoss());
            }
        }
        return out;
    }
}
