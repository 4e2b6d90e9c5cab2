package io.github.learnpad.models;

import io.github.learnpad.layers.FixedPadding;
import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.layers.PaddingModule;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;

import static io.github.learnpad.Exact.assertIdentical;
import static org.junit.jupiter.api.Assertions.*;

/** The rewriter on NHWC networks: padding layers in NHWC, and the NCHW network's results on permuted input. */
class PaddingRewriterNhwcTest {

    /** Explicit padding, a ZeroPaddingLayer and Same padding, in format {@code f}. */
    private static MultiLayerConfiguration cnn(CNN2DFormat f) {
        return new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE).activation(Activation.TANH).list()
                .layer(new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(3).name("c0").build())
                .layer(new ZeroPaddingLayer.Builder(1, 0, 2, 1).name("zp").build())
                .layer(new ConvolutionLayer.Builder(3, 3).convolutionMode(ConvolutionMode.Same).nOut(3).name("c1").build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(8, 7, 2, f))
                .build();
    }

    private static MultiLayerNetwork init(MultiLayerConfiguration c) {
        MultiLayerNetwork n = new MultiLayerNetwork(c);
        n.init();
        return n;
    }

    private static CNN2DFormat format(Layer l) {
        if (l instanceof PaddingModule) {
            return ((PaddingModule) l).getDataFormat();
        }
        if (l instanceof FixedPadding) {
            return ((FixedPadding) l).getDataFormat();
        }
        return ((ZeroPaddingLayer) l).getDataFormat();
    }

    @ParameterizedTest
    @EnumSource(PaddingMode.class)
    void nhwcNetworksAreRewrittenInNhwc(PaddingMode mode) {
        RewriteResult<MultiLayerConfiguration> rn = PaddingRewriter.to(mode).rewriteWithReport(cnn(CNN2DFormat.NCHW));
        RewriteResult<MultiLayerConfiguration> rh = PaddingRewriter.to(mode).rewriteWithReport(cnn(CNN2DFormat.NHWC));
        assertEquals(rn.rewritten(), rh.rewritten());
        assertTrue(rh.kept().isEmpty(), rh.kept().toString());
        List<String> padding = List.of("c0-pad", "zp", "c1-pad");
        for (int i = 0; i < rh.configuration().getConfs().size(); i++) {
            Layer l = rh.configuration().getConf(i).getLayer();
            if (padding.contains(l.getLayerName())) {
                assertEquals(CNN2DFormat.NHWC, format(l), l.getLayerName());
            }
        }
        // Survives JSON, format included.
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(rh.configuration().toJson());
        assertEquals(rh.configuration(), back);
        MultiLayerNetwork a = init(rn.configuration());
        MultiLayerNetwork b = init(back);
        b.setParams(a.params());
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 2, 8, 7);
        INDArray xh = x.permute(0, 2, 3, 1).dup('c');
        // DOUBLE; DL4J's NHWC convolutions sum in another order than its NCHW ones.
        double diff = a.output(x).sub(b.output(xh)).amaxNumber().doubleValue();
        assertTrue(diff < 1e-12, mode + ": NCHW vs NHWC output differ by " + diff);
        if (mode == PaddingMode.ZERO) {
            MultiLayerNetwork orig = init(cnn(CNN2DFormat.NHWC));
            orig.setParams(b.params());
            assertIdentical(orig.output(xh), b.output(xh), "ZERO rewrite of the NHWC network");
        }
    }

    @Test
    void theModeMattersInNhwc() {
        MultiLayerNetwork zero = init(PaddingRewriter.rewrite(cnn(CNN2DFormat.NHWC), PaddingMode.ZERO));
        MultiLayerNetwork reflect = init(PaddingRewriter.rewrite(cnn(CNN2DFormat.NHWC), PaddingMode.REFLECT));
        reflect.setParams(zero.params());
        INDArray xh = Nd4j.rand(DataType.DOUBLE, 3, 8, 7, 2).addi(1);
        double diff = zero.output(xh).sub(reflect.output(xh)).amaxNumber().doubleValue();
        assertTrue(diff > 1e-4, "REFLECT vs ZERO: " + diff);
    }
}
