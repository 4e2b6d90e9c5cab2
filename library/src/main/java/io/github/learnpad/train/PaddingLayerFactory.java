package io.github.learnpad.train;

import org.deeplearning4j.nn.conf.layers.Layer;

/**
 * Makes the DL4J layer that pads a feature map {@code (N, C, H, W)} to {@code (N, C, H + top + bottom,
 * W + left + right)}. {@code io.github.learnpad.layers.PaddingMode#layer} fits ({@code mode::layer}); so does
 * {@code (t, b, l, r) -> new ZeroPaddingLayer(t, b, l, r)}.
 */
@FunctionalInterface
public interface PaddingLayerFactory {
    /** A new padding layer configuration; amounts are {@code >= 0}. */
    Layer layer(int top, int bottom, int left, int right);
}
