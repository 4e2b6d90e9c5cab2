package io.github.learnpad.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;

/** Runtime layer of {@link PaddingModule} (work in progress). */
public class PaddingModuleLayer extends org.deeplearning4j.nn.layers.samediff.SameDiffLayer {
    private double lastLocalLoss = Double.NaN;

    public PaddingModuleLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    public double getLastLocalLoss() {
        return lastLocalLoss;
    }
}
