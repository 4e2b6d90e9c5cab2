package io.github.learnpad;

import io.github.learnpad.layers.FixedPadding;
import io.github.learnpad.layers.PaddingModule;
import io.github.learnpad.train.CosineSchedule;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Models and JSON configurations saved by an earlier LearnPad ({@link SavedModels}: 0.1.0-SNAPSHOT, before the
 * library moved to the repository's root) load with the library alone, compute what they computed when saved, and
 * keep training with their restored updater state. The library's test class path holds no class of the application,
 * which {@link #theApplicationIsNotOnTheClassPath} checks, so these loads need nothing but the library.
 */
class SavedModelCompatibilityTest {
    /**
     * Outputs after loading, against the saving run's: the same maths, but oneDNN or DL4J's built-in layers (the suite
     * runs on either) and another CPU may round differently, so not bit for bit.
     */
    private static final double TOLERANCE = 1e-4;

    @Test
    void theApplicationIsNotOnTheClassPath() {
        for (String app : new String[]{"io.github.learnpad.training.Trainer", "io.github.learnpad.cli.LearnPadCli",
                "io.github.learnpad.data.Datasets"}) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(app), app);
        }
    }

    @Test
    void savedGraphLoadsComputesAndTrains() throws Exception {
        String name = SavedModels.GRAPH;
        ComputationGraph net;
        try (InputStream in = resource(name + ".zip")) {
            net = ModelSerializer.restoreComputationGraph(in, true);
        }
        INDArray x = SavedModels.read(name + "-input.bin");
        assertOutput(SavedModels.read(name + "-output.bin"), net.outputSingle(false, x), name);
        // The cosine schedule, a class of the library's train package, came back from the JSON.
        BaseLayer conv = (BaseLayer) ((LayerVertex) net.getConfiguration().getVertices().get("conv1")).getLayerConf()
                .getLayer();
        assertInstanceOf(CosineSchedule.class, ((Adam) conv.getIUpdater()).getLearningRateSchedule());
        assertTrue(net.getConfiguration().getVertices().values().stream().anyMatch(v -> v instanceof LayerVertex
                && ((LayerVertex) v).getLayerConf().getLayer() instanceof PaddingModule), "a Padding Module");
        assertNotNull(net.getUpdater().getStateViewArray(), "the updater state was saved and restored");
        ComputationGraphConfiguration fromJson = ComputationGraphConfiguration.fromJson(text(name + ".json"));
        assertEquals(net.getConfiguration().getVertices().keySet(), fromJson.getVertices().keySet());
        assertEquals(net.getConfiguration().toJson(), fromJson.toJson(), "JSON round trip");
        trainsOneStep(net, x);
    }

    @Test
    void savedMultiLayerNetworkLoadsComputesAndTrains() throws Exception {
        String name = SavedModels.MULTI_LAYER;
        MultiLayerNetwork net;
        try (InputStream in = resource(name + ".zip")) {
            net = ModelSerializer.restoreMultiLayerNetwork(in, true);
        }
        INDArray x = SavedModels.read(name + "-input.bin");
        assertOutput(SavedModels.read(name + "-output.bin"), net.output(x, false), name);
        assertInstanceOf(FixedPadding.class, net.getLayer(0).conf().getLayer());
        PaddingModule module = (PaddingModule) net.getLayer(2).conf().getLayer();
        assertTrue(module.isChannelMixing(), "channel mixing survives");
        MultiLayerConfiguration fromJson = MultiLayerConfiguration.fromJson(text(name + ".json"));
        assertEquals(net.getLayerWiseConfigurations().toJson(), fromJson.toJson(), "JSON round trip");
        trainsOneStep(net, x);
    }

    /**
     * Every value of {@link PaddingModule.Implementation} that a saved configuration may hold loads as itself and
     * writes back the same JSON: the saved file's {@code "implementation" : "FAST"} swapped for each.
     */
    @ParameterizedTest
    @EnumSource(PaddingModule.Implementation.class)
    void savedJsonWithAnyImplementationLoads(PaddingModule.Implementation impl) throws Exception {
        String saved = text(SavedModels.MULTI_LAYER + ".json");
        String fast = "\"implementation\" : \"FAST\"";
        assertTrue(saved.contains(fast), "the saved JSON names its implementation");
        String json = saved.replace(fast, "\"implementation\" : \"" + impl.name() + "\"");
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(json);
        PaddingModule module = (PaddingModule) conf.getConf(2).getLayer();
        assertEquals(impl, module.getImplementation());
        assertTrue(module.isChannelMixing(), "the rest of the configuration too");
        assertEquals(conf.toJson(), MultiLayerConfiguration.fromJson(conf.toJson()).toJson(), "JSON round trip");
        assertTrue(conf.toJson().contains("\"implementation\" : \"" + impl.name() + "\""), "written back as " + impl);
    }

    private static void trainsOneStep(org.deeplearning4j.nn.api.Model net, INDArray x) {
        INDArray before = net.params().dup();
        DataSet d = new DataSet(x, SavedModels.labels());
        if (net instanceof ComputationGraph) {
            ((ComputationGraph) net).fit(d);
        } else {
            ((MultiLayerNetwork) net).fit(d);
        }
        assertFalse(java.util.Arrays.equals(before.toDoubleVector(), net.params().toDoubleVector()),
                "a training step changed the parameters");
        assertTrue(Double.isFinite(net.score()), "finite score");
    }

    private static void assertOutput(INDArray expected, INDArray actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double diff = expected.castTo(actual.dataType()).sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= TOLERANCE, what + ": output differs from the saved one by " + diff);
    }

    private static InputStream resource(String file) throws IOException {
        InputStream in = SavedModels.class.getResourceAsStream("saved/" + file);
        if (in == null) {
            throw new IOException("test resource saved/" + file + " is missing");
        }
        return in;
    }

    private static String text(String file) throws IOException {
        try (InputStream in = resource(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
