package io.github.learnpad.models;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The outcome of {@link PaddingRewriter#rewriteWithReport}: the new configuration, the layers whose padding was moved
 * into a padding layer, and the padded layers that were left as they are (with the reason), which only happens when
 * the caller opted in through {@link PaddingRewriter.Options}.
 *
 * @param <T> {@code ComputationGraphConfiguration} or {@code MultiLayerConfiguration}
 */
public final class RewriteResult<T> {
    private final T configuration;
    private final List<String> rewritten;
    private final Map<String, String> kept;

    RewriteResult(T configuration, List<String> rewritten, Map<String, String> kept) {
        this.configuration = configuration;
        this.rewritten = Collections.unmodifiableList(rewritten);
        this.kept = Collections.unmodifiableMap(kept);
    }

    /** The rewritten configuration (a new object; the input is not modified). */
    public T configuration() {
        return configuration;
    }

    /**
     * Names of the layers whose padding now comes from a padding layer: each rewritten convolution, and each replaced
     * {@code ZeroPaddingLayer}. (MultiLayer layers without a name are listed as {@code "layer<i>"} with their index
     * in the input configuration.)
     */
    public List<String> rewritten() {
        return rewritten;
    }

    /** Padded layers left unchanged (still zero padded by DL4J), name -> why. Empty unless skipping was enabled. */
    public Map<String, String> kept() {
        return kept;
    }

    @Override
    public String toString() {
        return "RewriteResult{rewritten=" + rewritten + ", kept=" + kept + "}";
    }
}
