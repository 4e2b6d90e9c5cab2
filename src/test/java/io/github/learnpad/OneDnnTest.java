package io.github.learnpad;

import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.models.SmallCnn;
import org.deeplearning4j.config.DL4JClassLoading;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;

import static io.github.learnpad.OneDnnEquivalenceTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link OneDnn}: switching, coverage of built, cloned and restored networks, saved models across the switch. */
@ExtendWith(OneDnnTestExtension.Required.class)
class OneDnnTest {
    @TempDir
    Path tmp;


    private static ComputationGraph smallCnn() {
        return SmallCnn.builder().numClasses(3).inputShape(1, 12, 12).baseWidth(4).padding(PaddingMode.LEARNED)
                .seed(5).build().init();
    }

    private static DataSet batch() {
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 1, 12, 12);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 3);
        for (int i = 0; i < 8; i++) {
            y.putScalar(i, i % 3, 1f);
        }
        return new DataSet(x, y);
    }

    @Test
    void switchesAndSaysWhich() {
        assertTrue(OneDnn.isActive());
        assertTrue(OneDnn.status().startsWith("oneDNN helpers on"), OneDnn.status());
        OneDnn.disable();
        assertFalse(OneDnn.isActive());
        assertTrue(OneDnn.status().startsWith("oneDNN helpers off: DL4J's layer helpers are disabled"),
                OneDnn.status());
        assertTrue(OneDnn.enable());
        assertTrue(OneDnn.enable(), "idempotent");
        // DL4J's own check, which every oneDNN helper asks in checkSupported(), now answers true.
        assertTrue(org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.mklDnnEnabled());
    }

    /** The class defined at DL4J's old name is what DL4J's reflection expects: getInstance(), isUseMKLDNN(). */
    @Test
    void legacyClassAnswersLikeTheOldNd4jEnvironment() throws Exception {
        Class<?> c = Class.forName(OneDnn.LEGACY_ENVIRONMENT, true, DL4JClassLoading.getDl4jClassloader());
        assertEquals(OneDnn.LEGACY_ENVIRONMENT, c.getName());
        assertEquals(OneDnn.LegacyEnvironment.class, c.getSuperclass());
        Object instance = c.getMethod("getInstance").invoke(null);
        assertEquals(Boolean.TRUE, c.getMethod("isUseMKLDNN").invoke(instance));
        // Everything else still comes from DL4J's previous class loader.
        assertEquals(ModelSerializer.class, Class.forName(ModelSerializer.class.getName(), false,
                DL4JClassLoading.getDl4jClassloader()));
    }

    /** Networks built, cloned and restored after enable() get helpers; ComputationGraph and MultiLayerNetwork. */
    @Test
    void coversBuiltClonedAndRestoredNetworks() throws IOException {
        ComputationGraph g = smallCnn();
        assertEquals("oneDNN helpers in 8 of 8 layers that have one", OneDnn.describe(g));
        assertInstanceOf(MKLDNNConvHelper.class, g.getLayer("conv1").getHelper());
        assertInstanceOf(MKLDNNBatchNormHelper.class, g.getLayer("bn1").getHelper());
        assertEquals(OneDnn.describe(g), OneDnn.describe(g.clone()));
        File f = tmp.resolve("g.zip").toFile();
        ModelSerializer.writeModel(g, f, true);
        assertEquals(OneDnn.describe(g), OneDnn.describe(ModelSerializer.restoreComputationGraph(f, true)));

        MultiLayerNetwork m = OneDnnEquivalenceTest.net(new ConvolutionLayer.Builder(3, 3).nOut(2).build(), 1, 6, 6,
                CNN2DFormat.NCHW);
        assertEquals("oneDNN helpers in 1 of 1 layers that have one", OneDnn.describe(m));
        assertEquals(OneDnn.describe(m), OneDnn.describe(m.clone()));
        File fm = tmp.resolve("m.zip").toFile();
        ModelSerializer.writeModel(m, fm, true);
        assertEquals(OneDnn.describe(m), OneDnn.describe(ModelSerializer.restoreMultiLayerNetwork(fm, true)));

        // Built before enable(): no helpers (documented); its clone, made after, has them.
        OneDnn.disable();
        ComputationGraph before = smallCnn();
        OneDnn.enable();
        assertTrue(OneDnn.describe(before).startsWith("oneDNN helpers in 0 of 8 layers that have one; without: conv1"),
                OneDnn.describe(before));
        assertEquals("oneDNN helpers in 8 of 8 layers that have one", OneDnn.describe(before.clone()));
    }

    /** The fallbacks say so: DOUBLE networks, batch norm with lockGammaBeta (declined by checkSupported). */
    @Test
    void describesFallbacks() {
        MultiLayerNetwork bnLocked = OneDnnEquivalenceTest.net(new BatchNormalization.Builder().lockGammaBeta(true)
                .build(), 2, 5, 5, CNN2DFormat.NCHW);
        assertNull(bnLocked.getLayer(0).getHelper());
        assertTrue(OneDnn.describe(bnLocked).startsWith("oneDNN helpers in 0 of 1 layers that have one; without: "
                + "layer0 (BatchNormalization) (declined"), OneDnn.describe(bnLocked));

        ComputationGraph g = smallCnn();
        ComputationGraph d = g.convertDataType(DataType.DOUBLE);
        assertTrue(OneDnn.describe(d).endsWith("network data type DOUBLE (oneDNN runs FLOAT only: the helpers "
                + "decline and DL4J's built-in layers run)"), OneDnn.describe(d));
        // ... and a DOUBLE network still trains, on the built-in path, with the same results as with helpers off.
        OneDnn.disable();
        ComputationGraph dOff = g.convertDataType(DataType.DOUBLE);
        OneDnn.enable();
        DataSet b = batch();
        DataSet bd = new DataSet(b.getFeatures().castTo(DataType.DOUBLE), b.getLabels().castTo(DataType.DOUBLE));
        d.fit(bd);
        dOff.fit(bd);
        assertTrue(d.params().equalsWithEps(dOff.params(), 0), "DOUBLE: the same arithmetic with helpers on and off");

        assertThrows(IllegalArgumentException.class, () -> OneDnn.describe(null));
    }

    /**
     * A model trained and saved with the helpers on loads with them off (and the other way round): identical
     * parameters, outputs within {@link OneDnnEquivalenceTest#TOL} of the other path's, and exactly those of a
     * network of the same parameters built on the loading side. Training runs inside fit(), with workspaces.
     */
    @Test
    void savedModelsCrossTheSwitch() throws IOException {
        for (boolean savedOn : new boolean[]{true, false}) {
            if (savedOn) {
                OneDnn.enable();
            } else {
                OneDnn.disable();
            }
            ComputationGraph saved = smallCnn();
            DataSet b = batch();
            saved.fit(b);
            saved.fit(b);
            INDArray outSaved = saved.outputSingle(b.getFeatures());
            File f = tmp.resolve("saved-" + savedOn + ".zip").toFile();
            ModelSerializer.writeModel(saved, f, true);

            if (savedOn) {
                OneDnn.disable();
            } else {
                OneDnn.enable();
            }
            ComputationGraph loaded = ModelSerializer.restoreComputationGraph(f, true);
            assertEquals(savedOn ? "oneDNN helpers in 0 of 8" : "oneDNN helpers in 8 of 8",
                    OneDnn.describe(loaded).substring(0, 24));
            assertTrue(loaded.params().equalsWithEps(saved.params(), 0), "parameters bit for bit");
            assertTrue(loaded.getUpdater().getStateViewArray()
                    .equalsWithEps(saved.getUpdater().getStateViewArray(), 0), "updater state bit for bit");
            INDArray outLoaded = loaded.outputSingle(b.getFeatures());
            assertClose(outSaved, outLoaded, "output saved with helpers " + (savedOn ? "on" : "off"));
            // Same side, same parameters: exactly the same output.
            ComputationGraph sameSide = smallCnn();
            sameSide.setParams(saved.params());
            assertTrue(sameSide.outputSingle(b.getFeatures()).equalsWithEps(outLoaded, 0));
            // One more training step on each side agrees within the tolerance.
            saved.fit(b);
            loaded.fit(b);
            assertClose(saved.params(), loaded.params(), "parameters after one more step");
        }
    }

    @Test
    void namesMallocArenaMaxOnlyOnGlibcWithoutASetting() {
        assertTrue(OneDnn.shouldHintMallocArenas(null, true));
        assertTrue(OneDnn.shouldHintMallocArenas("", true), "an empty value leaves glibc's default");
        assertFalse(OneDnn.shouldHintMallocArenas("1", true), "a value the user set is theirs");
        assertFalse(OneDnn.shouldHintMallocArenas("8", true));
        assertFalse(OneDnn.shouldHintMallocArenas(null, false), "not glibc: the variable means nothing");
        // This project's machines are Debian (glibc): the detection must see it there.
        if (java.nio.file.Files.exists(Path.of("/etc/debian_version"))) {
            assertTrue(OneDnn.usesGlibc(), "glibc's libc.so.6 is mapped in this JVM");
        }
    }
}
