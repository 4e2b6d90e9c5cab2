package io.github.learnpad.train;

import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.models.SmallCnn;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class LearningRateScheduleTest {
    @TempDir
    Path dir;

    @Test
    void cosineStartsAtInitialEndsAtFinalAndPassesTheMidpoint() {
        CosineSchedule c = new CosineSchedule(ScheduleType.EPOCH, 1.0, 0.01, 4);
        assertEquals(1.0, c.valueAt(99, 0), 0);
        assertEquals(0.505, c.valueAt(99, 2), 1e-15);
        assertEquals(0.01, c.valueAt(99, 4), 1e-15);
        assertEquals(0.01, c.valueAt(99, 10), 1e-15);
        assertEquals(0.01 + 0.99 * (1 + Math.cos(Math.PI / 4)) / 2, c.valueAt(99, 1), 1e-15);
        CosineSchedule it = new CosineSchedule(ScheduleType.ITERATION, 2.0, 0.0, 10);
        assertEquals(1.0, it.valueAt(5, 0), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new CosineSchedule(ScheduleType.EPOCH, 1, 0, 0));
    }

    @Test
    void perEpochRates() {
        assertEquals(List.of(0.002, 0.002, 0.002), new ArrayList<>(LearningRateSchedule.CONSTANT.perEpoch(0.002, 3, 0.01).values()));
        Map<Integer, Double> cos = LearningRateSchedule.COSINE.perEpoch(0.002, 5, 0.01);
        assertEquals(0.002, cos.get(1), 0);
        assertEquals(0.002 * 0.01, cos.get(5), 1e-18);
        for (int e = 2; e <= 5; e++) {
            assertTrue(cos.get(e) < cos.get(e - 1), "cosine decreases: " + cos);
        }
        Map<Integer, Double> step = LearningRateSchedule.STEP.perEpoch(1.0, 8, 0.01);
        assertEquals(List.of(1.0, 1.0, 1.0, 1.0, 0.1, 0.1, 0.01, 0.01), new ArrayList<>(step.values()).stream()
                .map(v -> Math.round(v * 1e12) / 1e12).toList());
        assertEquals(0.1, LearningRateSchedule.STEP.perEpoch(1.0, 2, 0.01).get(2), 1e-15); // steps coincide
        assertEquals(LearningRateSchedule.COSINE, LearningRateSchedule.parse(" Cosine "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LearningRateSchedule.parse("linear"));
        assertTrue(e.getMessage().contains("cosine"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.COSINE.schedule(1e-3, 5, 0));
    }

    @Test
    void scheduleSurvivesJsonAndModelSerializer() throws Exception {
        ISchedule cos = LearningRateSchedule.COSINE.schedule(0.002, 6, 0.01);
        ComputationGraph net = SmallCnn.builder().numClasses(3).inputShape(1, 8, 8).baseWidth(2)
                .padding(PaddingMode.LEARNED).updater(new Adam(cos)).seed(1).build().init();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
        BaseLayer conv = (BaseLayer) ((org.deeplearning4j.nn.conf.graph.LayerVertex) back.getVertices().get("conv1"))
                .getLayerConf().getLayer();
        Adam a = (Adam) conv.getIUpdater();
        assertEquals(cos, a.getLearningRateSchedule());
        Path zip = dir.resolve("m.zip");
        ModelSerializer.writeModel(net, zip.toFile(), true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(zip.toFile(), true);
        restored.getConfiguration().setEpochCount(5);
        assertEquals(0.002 * 0.01, restored.getLearningRate("conv1"), 1e-15);
    }
}
