package io.github.learnpad.layers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import java.util.Map;

/** SameDiff reference graph of the Padding Module (work in progress). */
final class PaddingModuleGraph {
    private PaddingModuleGraph() {
    }

    static SDVariable defineOutput(SameDiff sd, SDVariable x, Map<String, SDVariable> p, PaddingModule conf) {
        throw new UnsupportedOperationException("work in progress");
    }
}
