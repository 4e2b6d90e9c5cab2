package io.github.learnpad;

import io.github.learnpad.layers.PaddingModule;
import org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The README's "drop it into your network" example, verbatim, so that it keeps compiling and working. */
class ReadmeExampleTest {
    @Test
    void readmeExampleTrains() {
        java.util.Random r = new java.util.Random(1);
        float[] px = new float[8 * 28 * 28];
        for (int i = 0; i < px.length; i++) {
            px[i] = r.nextFloat();
        }
        DataSet d = new DataSet(Nd4j.create(px, new long[]{8, 1, 28, 28}, 'c'),
                Nd4j.eye(10).getRows(0, 1, 2, 3, 4, 5, 6, 7).castTo(DataType.FLOAT));
        DataSetIterator trainIter = new SingletonDataSetIterator(d);

        // --- README example starts here
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(42).updater(new Adam(1e-3))
                .list()
                .layer(new PaddingModule.Builder().padding(1).build())        // learned padding instead of zeros
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(32).activation(Activation.RELU).build()) // padding 0
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(28, 28, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        net.fit(trainIter);
        System.out.println(PaddingModule.lastLocalLosses(net));   // {layer0=0.158...}: the predictor's own loss
        // --- README example ends here

        Map<String, Double> losses = PaddingModule.lastLocalLosses(net);
        assertEquals(1, losses.size());
        assertTrue(losses.values().iterator().next() > 0);
        assertArrayEquals(new long[]{8, 10}, net.output(d.getFeatures()).shape());
    }
}
