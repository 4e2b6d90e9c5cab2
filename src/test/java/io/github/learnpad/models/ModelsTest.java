package io.github.learnpad.models;

import io.github.learnpad.layers.PaddingMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.github.learnpad.Exact.assertIdentical;
import static org.junit.jupiter.api.Assertions.*;

class ModelsTest {

    /** Parameter count of a configuration, without allocating the network. */
    static long paramCount(ComputationGraphConfiguration conf) {
        long n = 0;
        for (GraphVertex v : conf.getVertices().values()) {
            if (v instanceof LayerVertex) {
                Layer l = ((LayerVertex) v).getLayerConf().getLayer();
                n += l.initializer().numParams(l);
            }
        }
        return n;
    }

    /** Layers of a mode's padding type in a configuration, with their amounts. */
    static List<int[]> paddingLayers(ComputationGraphConfiguration conf, PaddingMode mode) {
        List<int[]> out = new ArrayList<>();
        for (GraphVertex v : conf.getVertices().values()) {
            if (v instanceof LayerVertex) {
                Layer l = ((LayerVertex) v).getLayerConf().getLayer();
                try {
                    if (PaddingMode.of(l) == mode) {
                        out.add(PaddingMode.padding(l));
                    }
                } catch (IllegalArgumentException notAPaddingLayer) {
                    // not a padding layer
                }
            }
        }
        return out;
    }

    @Test
    void vgg16ImagenetWithZeroHasTheZooParameterCount() {
        ComputationGraphConfiguration c = Vgg16.builder().numClasses(1000).inputShape(3, 224, 224)
                .padding(PaddingMode.ZERO).build().conf();
        ComputationGraphConfiguration zoo = org.deeplearning4j.zoo.model.VGG16.builder().numClasses(1000).build().conf();
        assertEquals(138_357_544L, paramCount(zoo));
        assertEquals(138_357_544L, paramCount(c));
        assertEquals(13, paddingLayers(c, PaddingMode.ZERO).size());
        assertFalse(c.getVertices().containsKey("conv1_1-bn"), "224x224 defaults to the IMAGENET variant");
    }

    @Test
    void resNet50ImagenetWithZeroHasTheZooParameterCount() {
        ComputationGraphConfiguration c = ResNet50.builder().numClasses(1000).inputShape(3, 224, 224).build().conf();
        ComputationGraphConfiguration zoo = org.deeplearning4j.zoo.model.ResNet50.builder().numClasses(1000).build()
                .graphBuilder().build();
        assertEquals(paramCount(zoo), paramCount(c));
        assertEquals(17, paddingLayers(c, PaddingMode.ZERO).size(), "stem + 16 3x3 convolutions");
    }

    @Test
    void resNet50ImagenetWithZeroComputesWhatTheZooModelComputes() {
        int s = 72;
        ComputationGraph mine = ResNet50.builder().numClasses(5).inputShape(3, s, s).variant(Variant.IMAGENET)
                .build().init();
        ComputationGraph zoo = new ComputationGraph(org.deeplearning4j.zoo.model.ResNet50.builder().numClasses(5)
                .inputShape(new int[]{3, s, s}).build().graphBuilder().build());
        zoo.init();
        Map<String, INDArray> mp = mine.paramTable();
        assertEquals(zoo.paramTable().keySet(), mp.keySet(), "same vertex names as the zoo");
        mp.forEach((k, v) -> zoo.setParam(k, v.dup())); // ours (He init) into the zoo net: finite activations
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 3, s, s);
        INDArray y = mine.outputSingle(x);
        assertFalse(y.isNaN().any());
        assertIdentical(y, zoo.outputSingle(x), "ours vs the zoo's ResNet50");
    }

    @Test
    void vgg16ImagenetWithZeroComputesWhatTheZooModelComputes() {
        ComputationGraph mine = Vgg16.builder().numClasses(10).inputShape(3, 32, 32).variant(Variant.IMAGENET)
                .build().init();
        ComputationGraph zoo = org.deeplearning4j.zoo.model.VGG16.builder().numClasses(10)
                .inputShape(new int[]{3, 32, 32}).build().init();
        // Zoo layers are named "0".."20": pair the layers with parameters in order.
        List<org.deeplearning4j.nn.api.Layer> a = new ArrayList<>();
        List<org.deeplearning4j.nn.api.Layer> b = new ArrayList<>();
        for (int i : mine.topologicalSortOrder()) {
            if (mine.getVertices()[i].hasLayer() && mine.getVertices()[i].getLayer().numParams() > 0) {
                a.add(mine.getVertices()[i].getLayer());
            }
        }
        for (int i : zoo.topologicalSortOrder()) {
            if (zoo.getVertices()[i].hasLayer() && zoo.getVertices()[i].getLayer().numParams() > 0) {
                b.add(zoo.getVertices()[i].getLayer());
            }
        }
        assertEquals(16, a.size());
        assertEquals(16, b.size());
        for (int i = 0; i < a.size(); i++) {
            for (Map.Entry<String, INDArray> e : a.get(i).paramTable().entrySet()) {
                b.get(i).setParam(e.getKey(), e.getValue().dup());
            }
        }
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32);
        assertIdentical(mine.outputSingle(x), zoo.outputSingle(x.reshape(2, 3 * 32 * 32)), "ours vs the zoo's VGG16");
    }

    @Test
    void defaultsAndErrors() {
        ComputationGraphConfiguration c = Vgg16.builder().numClasses(10).build().conf();
        assertTrue(c.getVertices().containsKey("conv1_1-bn"), "32x32 defaults to the CIFAR variant");
        ConvolutionLayer conv = (ConvolutionLayer) ((LayerVertex) c.getVertices().get("conv1_1")).getLayerConf()
                .getLayer();
        assertArrayEquals(new int[]{0, 0}, conv.getPadding());
        assertEquals(List.of("conv1_1-pad"), c.getVertexInputs().get("conv1_1"));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Vgg16.builder().build());
        assertTrue(e.getMessage().contains("numClasses"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> ResNet50.builder().inputShape(3, 32, 32).build());
        assertTrue(e.getMessage().contains("numClasses"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> Vgg16.builder().numClasses(2).inputShape(3, 40, 40)
                .build());
        assertTrue(e.getMessage().contains("multiples of 32"), e.getMessage());

        e = assertThrows(IllegalStateException.class, () -> ResNet50.builder().numClasses(2).inputShape(3, 68, 68)
                .variant(Variant.IMAGENET).build());
        assertTrue(e.getMessage().contains("69") && e.getMessage().contains("CIFAR"), e.getMessage());
        assertEquals(2, ResNet50.res5Size(69));
        assertEquals(1, ResNet50.res5Size(68));

        ComputationGraphConfiguration r = ResNet50.builder().numClasses(10).inputShape(3, 32, 32)
                .padding(PaddingMode.CIRCULAR).build().conf();
        assertFalse(r.getVertices().containsKey("stem-maxpool1"), "CIFAR stem has no max pool");
        assertEquals(17, paddingLayers(r, PaddingMode.CIRCULAR).size());
        paddingLayers(r, PaddingMode.CIRCULAR).forEach(p -> assertArrayEquals(new int[]{1, 1, 1, 1}, p));
    }

    /** One fit step on 2 random examples: finite score, parameters changed, padding layers present. */
    static void trainsOneStep(ModelBuilder.Model model, PaddingMode mode, int expectedPaddingLayers) {
        ComputationGraph g = model.init();
        assertEquals(expectedPaddingLayers, paddingLayers(g.getConfiguration(), mode).size());
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 2, 10);
        y.putScalar(0, 3, 1);
        y.putScalar(1, 7, 1);
        INDArray before = g.params().dup();
        INDArray out = g.outputSingle(x);
        assertArrayEquals(new long[]{2, 10}, out.shape());
        assertEquals(2.0, out.sumNumber().doubleValue(), 1e-4, "softmax rows sum to 1");
        g.fit(new DataSet(x, y));
        assertTrue(Double.isFinite(g.score()), "score " + g.score());
        assertNotEquals(before, g.params());
        assertFalse(g.outputSingle(x).isNaN().any());
    }

    @ParameterizedTest
    @EnumSource(value = PaddingMode.class, names = {"ZERO", "LEARNED"})
    void vgg16CifarTrains(PaddingMode mode) {
        trainsOneStep(Vgg16.builder().numClasses(10).inputShape(3, 32, 32).padding(mode).build(), mode, 13);
    }

    /** The fixed modes also run in the default suite, on the small network of PaddingRewriterTest. */
    @ParameterizedTest
    @EnumSource(value = PaddingMode.class, names = {"REFLECT", "REPLICATE", "CIRCULAR"})
    void vgg16CifarTrainsWithEveryFixedMode(PaddingMode mode) {
        trainsOneStep(Vgg16.builder().numClasses(10).inputShape(3, 32, 32).padding(mode).build(), mode, 13);
    }

    @Test
    void resNet50CifarTrainsWithLearnedPadding() {
        trainsOneStep(ResNet50.builder().numClasses(10).inputShape(3, 32, 32).padding(PaddingMode.LEARNED).build(),
                PaddingMode.LEARNED, 17);
    }

    /** Heavy (a 15M-parameter zip); the small MultiLayer version runs in PaddingRewriterTest by default. */
    @Tag("slow")
    @Test
    void learnedPaddingVgg16SavesAndRestores(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        ComputationGraph g = Vgg16.builder().numClasses(10).inputShape(3, 32, 32).padding(PaddingMode.LEARNED)
                .build().init();
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 2, 10);
        y.putScalar(0, 1, 1);
        y.putScalar(1, 2, 1);
        INDArray predictorBefore = g.getLayer("conv1_1-pad").params().dup();
        g.fit(new DataSet(x, y)); // so that parameters and updater state are not the initial ones
        assertNotEquals(predictorBefore, g.getLayer("conv1_1-pad").params(), "the predictor trained");
        java.io.File f = dir.resolve("vgg-learned.zip").toFile();
        org.deeplearning4j.util.ModelSerializer.writeModel(g, f, true);
        ComputationGraph r = org.deeplearning4j.util.ModelSerializer.restoreComputationGraph(f, true);
        assertEquals(g.getConfiguration(), r.getConfiguration());
        assertIdentical(g.params(), r.params(), "restored parameters");
        assertIdentical(g.getUpdater().getStateViewArray(), r.getUpdater().getStateViewArray(), "updater state");
        INDArray xt = Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32);
        assertIdentical(g.outputSingle(xt), r.outputSingle(xt), "restored output");
    }

    @ParameterizedTest
    @EnumSource(value = PaddingMode.class, names = {"ZERO", "REFLECT", "REPLICATE", "CIRCULAR"})
    void resNet50CifarTrainsWithEveryFixedMode(PaddingMode mode) {
        trainsOneStep(ResNet50.builder().numClasses(10).inputShape(3, 32, 32).padding(mode).build(), mode, 17);
    }
}
