package io.github.learnpad.models;

import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.layers.PaddingModule;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
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
import java.util.Map;

import static io.github.learnpad.Exact.assertIdentical;
import static org.junit.jupiter.api.Assertions.*;

class PaddingRewriterTest {


    static void copyParamsByName(Map<String, INDArray> from, org.deeplearning4j.nn.api.Model to,
            Map<String, INDArray> toTable) {
        assertEquals(from.keySet(), toTable.keySet(), "rewritten network must have exactly the original parameters");
        from.forEach((k, v) -> to.setParam(k, v.dup()));
    }

    @Test
    void zooVgg16WithZeroGivesIdenticalOutput() {
        ComputationGraphConfiguration orig = org.deeplearning4j.zoo.model.VGG16.builder().numClasses(10)
                .inputShape(new int[]{3, 32, 32}).build().conf();
        String before = orig.toJson();
        RewriteResult<ComputationGraphConfiguration> r = PaddingRewriter.to(PaddingMode.ZERO).rewriteWithReport(orig);
        assertEquals(before, orig.toJson(), "input configuration must not be modified");
        assertEquals(13, r.rewritten().size(), "VGG16 has 13 padded 3x3 convolutions");
        assertTrue(r.kept().isEmpty());

        ComputationGraphConfiguration c = r.configuration();
        // First conv: its FeedForwardToCnn preprocessor moved to the new padding layer.
        LayerVertex pad0 = (LayerVertex) c.getVertices().get("0-pad");
        LayerVertex conv0 = (LayerVertex) c.getVertices().get("0");
        assertInstanceOf(FeedForwardToCnnPreProcessor.class, pad0.getPreProcessor());
        assertNull(conv0.getPreProcessor());
        assertEquals(List.of("in"), c.getVertexInputs().get("0-pad"));
        assertEquals(List.of("0-pad"), c.getVertexInputs().get("0"));
        ZeroPaddingLayer zp = (ZeroPaddingLayer) pad0.getLayerConf().getLayer();
        assertArrayEquals(new int[]{1, 1, 1, 1}, zp.getPadding());
        ConvolutionLayer cl = (ConvolutionLayer) conv0.getLayerConf().getLayer();
        assertArrayEquals(new int[]{0, 0}, cl.getPadding());
        assertEquals(ConvolutionMode.Truncate, cl.getConvolutionMode());
        // Pooling untouched.
        SubsamplingLayer pool = (SubsamplingLayer) ((LayerVertex) c.getVertices().get("2")).getLayerConf().getLayer();
        assertEquals(pool, ((LayerVertex) orig.getVertices().get("2")).getLayerConf().getLayer());
        assertEquals(orig.getNetworkOutputs(), c.getNetworkOutputs());

        ComputationGraph a = new ComputationGraph(orig);
        a.init();
        // The zoo's default (Xavier) initialisation makes VGG16's output 0.1 for every class whatever the input
        // or the padding, and so a useless check: He initialisation keeps the signal through the 15 layers.
        heInit(a, 5);
        ComputationGraph b = new ComputationGraph(ComputationGraphConfiguration.fromJson(c.toJson()));
        b.init();
        assertEquals(a.numParams(), b.numParams());
        copyParamsByName(a.paramTable(), b, b.paramTable());
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3 * 32 * 32);
        INDArray ya = a.outputSingle(x);
        double spread = ya.max(1).sub(ya.min(1)).minNumber().doubleValue();
        assertTrue(spread > 0.05, "the output must depend on the input: class probabilities spread " + spread);
        assertIdentical(ya, b.outputSingle(x), "explicit zero padding layers vs the convolutions' own padding");
        // And on the padding: a wrong mode is caught.
        ComputationGraph reflect = new ComputationGraph(PaddingRewriter.rewrite(orig, PaddingMode.REFLECT));
        reflect.init();
        copyParamsByName(a.paramTable(), reflect, reflect.paramTable());
        double wrong = ya.sub(reflect.outputSingle(x)).amaxNumber().doubleValue();
        assertTrue(wrong > 1e-2, "REFLECT instead of ZERO must change the class probabilities, by " + wrong);
    }

    /** He initialisation of every weight ({@code N(0, 2 / fanIn)}), zero biases, from {@code seed}. */
    static void heInit(ComputationGraph g, long seed) {
        Nd4j.getRandom().setSeed(seed);
        g.paramTable().forEach((k, v) -> {
            if (k.endsWith("_W")) {
                long fanIn = v.rank() == 4 ? v.size(1) * v.size(2) * v.size(3) : v.size(0);
                v.assign(Nd4j.randn(v.dataType(), v.shape()).muli(Math.sqrt(2.0 / fanIn)));
            } else {
                v.assign(0);
            }
        });
    }

    @Test
    void zooResNet50WithZeroGivesIdenticalOutput() {
        int s = 72;
        // He init instead of the zoo's N(0, 0.5), whose activations overflow to NaN through 50 layers at
        // initialisation (NaN == NaN would make the comparison meaningless).
        ComputationGraphConfiguration orig = org.deeplearning4j.zoo.model.ResNet50.builder().numClasses(5)
                .inputShape(new int[]{3, s, s}).weightInit(org.deeplearning4j.nn.weights.WeightInit.RELU
                        .getWeightInitFunction()).build().graphBuilder().build();
        RewriteResult<ComputationGraphConfiguration> r = PaddingRewriter.to(PaddingMode.ZERO).rewriteWithReport(orig);
        // 16 stride-1 Same 3x3 convolutions; the stem ZeroPaddingLayer is kept as it is with ZERO.
        assertEquals(16, r.rewritten().size(), r.rewritten().toString());
        assertTrue(r.rewritten().stream().allMatch(n -> n.endsWith("2b")));
        ZeroPaddingLayer zp = (ZeroPaddingLayer) ((LayerVertex) r.configuration().getVertices().get("res2a_branch2b-pad"))
                .getLayerConf().getLayer();
        assertArrayEquals(new int[]{1, 1, 1, 1}, zp.getPadding());

        ComputationGraph a = new ComputationGraph(orig);
        a.init();
        ComputationGraph b = new ComputationGraph(r.configuration());
        b.init();
        copyParamsByName(a.paramTable(), b, b.paramTable());
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 3, s, s);
        INDArray ya = a.outputSingle(x);
        assertFalse(ya.isNaN().any() || ya.isInfinite().any());
        assertIdentical(ya, b.outputSingle(x), "explicit zero padding layers vs the convolutions' own padding");
    }

    @Test
    void zeroPaddingLayerIsReplacedWithTheModeLayer() {
        ComputationGraphConfiguration orig = org.deeplearning4j.zoo.model.ResNet50.builder().numClasses(5)
                .inputShape(new int[]{3, 72, 72}).build().graphBuilder().build();
        RewriteResult<ComputationGraphConfiguration> r =
                PaddingRewriter.to(PaddingMode.REPLICATE).rewriteWithReport(orig);
        assertEquals(17, r.rewritten().size());
        assertTrue(r.rewritten().contains("stem-zero"));
        Layer stem = ((LayerVertex) r.configuration().getVertices().get("stem-zero")).getLayerConf().getLayer();
        assertEquals("stem-zero", stem.getLayerName(), "replaced layer keeps its name");
        assertEquals(PaddingMode.REPLICATE, PaddingMode.of(stem));
        assertArrayEquals(new int[]{3, 3, 3, 3}, PaddingMode.padding(stem));
        assertEquals(List.of("input"), r.configuration().getVertexInputs().get("stem-zero"));
        // The whole configuration survives JSON (custom layers included).
        assertEquals(r.configuration(), ComputationGraphConfiguration.fromJson(r.configuration().toJson()));
    }

    @Test
    void learnedPaddingLayersGetTheChannelCount() {
        ComputationGraphConfiguration orig = org.deeplearning4j.zoo.model.ResNet50.builder().numClasses(5)
                .inputShape(new int[]{3, 72, 72}).build().graphBuilder().build();
        ComputationGraphConfiguration c = PaddingRewriter.rewrite(orig, PaddingMode.LEARNED);
        PaddingModule stem = (PaddingModule) ((LayerVertex) c.getVertices().get("stem-zero")).getLayerConf().getLayer();
        assertEquals(3, stem.getNChannels(), "from the stem convolution's nIn");
        PaddingModule p = (PaddingModule) ((LayerVertex) c.getVertices().get("res4b_branch2b-pad")).getLayerConf()
                .getLayer();
        assertEquals(256, p.getNChannels());
        assertArrayEquals(new int[]{1, 1, 1, 1}, p.getPadding());
        assertTrue(((LayerVertex) c.getVertices().get("res4b_branch2b-pad")).getLayerConf().variables().isEmpty(),
                "padding layer must not inherit the convolution's parameter names");
    }

    private static MultiLayerConfiguration smallMultiLayer(boolean stridedSame) {
        return new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE)
                .activation(Activation.TANH).list()
                // explicit asymmetric-per-dimension padding
                .layer(new ConvolutionLayer.Builder(3, 5).padding(1, 2).nOut(4).name("c0").build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX, new int[]{2, 2})
                        .stride(1, 1).padding(1, 1).name("pool").build())
                // Same, stride 1, even kernel (asymmetric padding 0/1) and dilation 2 (effective kernel 5)
                .layer(new ConvolutionLayer.Builder(2, 3).dilation(1, 2).convolutionMode(ConvolutionMode.Same)
                        .nOut(3).name("c1").build())
                .layer(new ZeroPaddingLayer.Builder(1, 0, 2, 1).name("zp").build())
                .layer(new DepthwiseConvolution2D.Builder(3, 3).depthMultiplier(2).convolutionMode(ConvolutionMode.Same)
                        .name("dw").build())
                .layer(new SeparableConvolution2D.Builder(3, 3).padding(1, 1).nOut(3).name("sep").build())
                .layer(new ConvolutionLayer.Builder(3, 3).stride(stridedSame ? 2 : 1, stridedSame ? 2 : 1)
                        .convolutionMode(stridedSame ? ConvolutionMode.Same : ConvolutionMode.Truncate)
                        .nOut(2).name("last").build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nOut(3).name("out").build())
                .setInputType(InputType.convolutionalFlat(9, 8, 2))
                .build();
    }

    @Test
    void multiLayerWithSameAndExplicitPaddingGivesIdenticalOutput() {
        MultiLayerConfiguration orig = smallMultiLayer(false);
        String before = orig.toJson();
        RewriteResult<MultiLayerConfiguration> r = PaddingRewriter.to(PaddingMode.ZERO).rewriteWithReport(orig);
        assertEquals(before, orig.toJson(), "input configuration must not be modified");
        assertEquals(List.of("c0", "c1", "dw", "sep"), r.rewritten());
        MultiLayerConfiguration c = r.configuration();
        assertEquals(orig.getConfs().size() + 4, c.getConfs().size());
        // c0's FeedForwardToCnn preprocessor is now on its padding layer (index 0); the CnnToFeedForward preprocessor
        // of the output layer moved from index 7 to 11.
        assertInstanceOf(FeedForwardToCnnPreProcessor.class, c.getInputPreProcess(0));
        assertNull(c.getInputPreProcess(1));
        assertEquals(orig.getInputPreProcess(7), c.getInputPreProcess(11));
        assertEquals(2, c.getInputPreProcessors().size());
        assertArrayEquals(new int[]{1, 1, 2, 2}, ((ZeroPaddingLayer) c.getConf(0).getLayer()).getPadding());
        // Same, kernel 2 (pad 0 top, 1 bottom), dilated kernel 3 with dilation 2 = 5 (2 left, 2 right)
        assertArrayEquals(new int[]{0, 1, 2, 2}, ((ZeroPaddingLayer) c.getConf(3).getLayer()).getPadding());
        assertEquals("c1-pad", c.getConf(3).getLayer().getLayerName());
        assertArrayEquals(new int[]{1, 1}, ((SubsamplingLayer) c.getConf(2).getLayer()).getPadding(),
                "pooling padding untouched");

        MultiLayerNetwork a = new MultiLayerNetwork(orig);
        a.init();
        MultiLayerNetwork b = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(c.toJson()));
        b.init();
        assertEquals(a.numParams(), b.numParams());
        // Copy parameters by layer name (MultiLayerNetwork keys are "<index>_<param>").
        Map<String, Integer> indexInB = new java.util.HashMap<>();
        for (int j = 0; j < b.getnLayers(); j++) {
            indexInB.put(b.getLayer(j).conf().getLayer().getLayerName(), j);
        }
        a.paramTable().forEach((key, value) -> {
            int sep = key.indexOf('_');
            String layerName = a.getLayer(Integer.parseInt(key.substring(0, sep))).conf().getLayer().getLayerName();
            b.setParam(indexInB.get(layerName) + key.substring(sep), value.dup());
        });
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 2 * 9 * 8);
        INDArray ya = a.output(x);
        assertIdentical(ya, b.output(x), "explicit zero padding layers vs the layers' own padding");
        // And the parameters matter (the test would notice a wrong copy): a fresh network differs.
        MultiLayerNetwork fresh = new MultiLayerNetwork(c.clone());
        fresh.init(Nd4j.rand(DataType.DOUBLE, 1, (int) b.numParams()), false);
        assertNotEquals(ya, fresh.output(x));
    }

    @ParameterizedTest
    @EnumSource(PaddingMode.class)
    void everyModeRewritesAMultiLayerNetworkThatTrains(PaddingMode mode) {
        MultiLayerConfiguration orig = smallMultiLayer(false);
        RewriteResult<MultiLayerConfiguration> r = PaddingRewriter.to(mode).rewriteWithReport(orig);
        // ZERO keeps the ZeroPaddingLayer "zp"; the other modes replace it.
        assertEquals(mode == PaddingMode.ZERO ? List.of("c0", "c1", "dw", "sep") : List.of("c0", "c1", "zp", "dw", "sep"),
                r.rewritten());
        MultiLayerNetwork b = new MultiLayerNetwork(r.configuration());
        b.init();
        long padLayers = b.getLayerWiseConfigurations().getConfs().stream().filter(c -> {
            try {
                return PaddingMode.of(c.getLayer()) == mode;
            } catch (IllegalArgumentException notPadding) {
                return false;
            }
        }).count();
        assertEquals(5, padLayers);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 2 * 9 * 8);
        INDArray y = Nd4j.createFromArray(new double[][]{{1, 0, 0}, {0, 0, 1}});
        INDArray before = b.params().dup();
        b.fit(x, y);
        assertTrue(Double.isFinite(b.score()));
        assertNotEquals(before, b.params());
        INDArray out = b.output(x);
        assertFalse(out.isNaN().any());
        if (mode != PaddingMode.ZERO) {
            // The padding is really different from zeros: same parameters, different output.
            MultiLayerNetwork z = new MultiLayerNetwork(PaddingRewriter.rewrite(orig, PaddingMode.ZERO));
            z.init();
            z.paramTable().forEach((k, v) -> z.setParam(k, b.getParam(k).dup()));
            assertNotEquals(out, z.output(x));
        }
    }

    @Test
    void learnedRewrittenNetworkSavesAndRestores(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        MultiLayerNetwork b = new MultiLayerNetwork(PaddingRewriter.rewrite(smallMultiLayer(false), PaddingMode.LEARNED));
        b.init();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 2 * 9 * 8);
        INDArray y = Nd4j.createFromArray(new double[][]{{1, 0, 0}, {0, 0, 1}});
        INDArray predictor = b.getLayer(0).params().dup();
        b.fit(x, y); // parameters and updater state away from their initial values
        assertNotEquals(predictor, b.getLayer(0).params(), "the first padding module's predictor trained");
        java.io.File f = dir.resolve("learned.zip").toFile();
        org.deeplearning4j.util.ModelSerializer.writeModel(b, f, true);
        MultiLayerNetwork r = org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(f, true);
        assertEquals(b.getLayerWiseConfigurations(), r.getLayerWiseConfigurations());
        assertIdentical(b.params(), r.params(), "restored parameters");
        assertIdentical(b.getUpdater().getStateViewArray(), r.getUpdater().getStateViewArray(), "updater state");
        INDArray xt = Nd4j.rand(DataType.DOUBLE, 2, 2 * 9 * 8);
        assertIdentical(b.output(xt), r.output(xt), "restored output");
        // Training continues identically from the restored copy.
        b.fit(x, y);
        r.fit(x, y);
        assertIdentical(b.params(), r.params(), "parameters after one more step");
    }

    @Test
    void stridedSameIsRefusedUnlessSkipped() {
        MultiLayerConfiguration orig = smallMultiLayer(true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PaddingRewriter.to(PaddingMode.ZERO).rewriteWithReport(orig));
        assertTrue(e.getMessage().contains("\"last\""), e.getMessage());
        assertTrue(e.getMessage().contains("skipStridedSame(true)"), e.getMessage());

        RewriteResult<MultiLayerConfiguration> r = PaddingRewriter.to(PaddingMode.ZERO)
                .with(new PaddingRewriter.Options().skipStridedSame(true)).rewriteWithReport(orig);
        assertEquals(List.of("last"), List.copyOf(r.kept().keySet()));
        ConvolutionLayer last = (ConvolutionLayer) r.configuration().getConf(10).getLayer();
        assertEquals("last", last.getLayerName());
        assertEquals(ConvolutionMode.Same, last.getConvolutionMode(), "kept as it is");
    }

    @Test
    void unsupportedPaddedLayersAreRefusedUnlessSkipped() {
        MultiLayerConfiguration orig = new NeuralNetConfiguration.Builder().list()
                .layer(new org.deeplearning4j.nn.conf.layers.Deconvolution2D.Builder(3, 3).padding(1, 1).nOut(2)
                        .name("deconv").build())
                .layer(new OutputLayer.Builder().nOut(2).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(5, 5, 1)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PaddingRewriter.to(PaddingMode.ZERO).rewriteWithReport(orig));
        assertTrue(e.getMessage().contains("\"deconv\"") && e.getMessage().contains("skipUnsupported(true)"),
                e.getMessage());
        RewriteResult<MultiLayerConfiguration> r = PaddingRewriter.to(PaddingMode.ZERO)
                .with(new PaddingRewriter.Options().skipUnsupported(true)).rewriteWithReport(orig);
        assertEquals(orig.getConfs().size(), r.configuration().getConfs().size());
        assertTrue(r.kept().containsKey("deconv"));

        // A padded convolution inside a FrozenLayer is not passed over silently.
        MultiLayerConfiguration frozen = new NeuralNetConfiguration.Builder().list()
                .layer(new org.deeplearning4j.nn.conf.layers.misc.FrozenLayer(new ConvolutionLayer.Builder(3, 3)
                        .padding(1, 1).nIn(1).nOut(2).build()))
                .layer(new OutputLayer.Builder().nOut(2).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(5, 5, 1)).build();
        e = assertThrows(IllegalArgumentException.class, () -> PaddingRewriter.rewrite(frozen, PaddingMode.ZERO));
        assertTrue(e.getMessage().contains("FrozenLayer"), e.getMessage());
    }
}
