package io.github.learnpad.models;

import io.github.learnpad.layers.PaddingVariant;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;

/**
 * Adds a convolution whose padding comes from an explicit padding layer: {@code <name>-pad} (the mode's layer), then
 * the convolution {@code <name>} with padding 0 in {@link ConvolutionMode#Truncate}. Same naming as
 * {@link PaddingRewriter}, so parameters of a rewritten zoo network and a built one line up by convolution name.
 */
final class PaddedConv {

    private PaddedConv() {
    }

    /**
     * @param pad    rows/columns added on every side (0: no padding layer)
     * @param conv   the convolution (kernel, stride, nOut, activation...); padding and mode are overwritten
     * @return the name of the convolution vertex, {@code name}
     */
    static String add(GraphBuilder g, String name, String input, PaddingVariant mode, int pad, ConvolutionLayer.Builder conv) {
        String in = input;
        if (pad > 0) {
            in = name + "-pad";
            g.addLayer(in, mode.layer(pad), input);
        }
        g.addLayer(name, conv.padding(0, 0).convolutionMode(ConvolutionMode.Truncate).build(), in);
        return name;
    }
}
