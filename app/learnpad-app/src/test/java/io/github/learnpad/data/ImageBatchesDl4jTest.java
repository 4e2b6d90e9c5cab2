package io.github.learnpad.data;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** DL4J's own fit/evaluate loops drive the iterator through epochs as documented. */
class ImageBatchesDl4jTest {

    @Test
    void fitAdvancesOneEpochPerCall() {
        int n = 10;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
        }
        ImageDataset d = new ImageDataset("t", Nd4j.rand(DataType.FLOAT, n, 1, 6, 6), labels, List.of("a", "b"));
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).updater(new Sgd(0.1)).list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).nOut(2).build())
                .setInputType(InputType.convolutional(6, 6, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        ImageBatches it = ImageBatches.builder(d).batchSize(4).seed(3).augmentation(new Augmentation(2, true)).build();
        net.fit(it);
        assertEquals(0, it.epoch());
        assertEquals(3, net.getIterationCount());
        net.fit(it);
        assertEquals(1, it.epoch());
        net.fit(it);
        assertEquals(2, it.epoch());
        assertEquals(9, net.getIterationCount());
        org.nd4j.evaluation.classification.Evaluation ev = net.evaluate(ImageBatches.evaluation(d, 3));
        assertEquals(5, ev.getConfusion().getActualTotal(0));
        assertEquals(5, ev.getConfusion().getActualTotal(1));
    }
}
