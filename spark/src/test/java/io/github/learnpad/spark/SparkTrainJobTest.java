package io.github.learnpad.spark;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example job end to end on {@code local[2]}: DataSet files in, a model zip the library loads out. */
class SparkTrainJobTest {
    @Test
    void trainsOnDataSetFilesAndSavesALoadableModel(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        List<DataSet> sets = SparkTrainingTest.data(true, 3);
        for (int i = 0; i < 8; i++) {
            sets.get(i).save(data.resolve(String.format("part-%05d.bin", i)).toFile());
        }
        Path model = dir.resolve("model.zip");
        System.setProperty("spark.ui.enabled", "false");
        System.setProperty("spark.driver.host", "localhost");
        SparkTrainJob.main(new String[]{"--master", "local[2]", "--data", data.toString(), "--out", model.toString(),
                "--examples-per-file", "16", "--batch-per-worker", "16", "--averaging-frequency", "2",
                "--input", "1,16,16", "--classes", "3", "--epochs", "2", "--lr", "0.01"});
        ComputationGraph net = ModelSerializer.restoreComputationGraph(model.toFile(), true);
        ComputationGraph initial = new ComputationGraph(TinyCnn.conf(1, 16, 16, 3, 0.01, 42));
        initial.init();
        assertFalse(initial.params().equalsWithEps(net.params(), 0.0), "the job trained the network");
        assertTrue(net.getUpdater().getStateViewArray().amaxNumber().doubleValue() > 0, "with its updater state");
        assertArrayEquals(new long[]{16, 3}, net.outputSingle(sets.get(0).getFeatures()).shape());
    }

    @Test
    void missingArgumentsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkTrainJob.main(new String[]{"--data", "x"}));
        assertTrue(e.getMessage().contains("--data and --out are required"), e.getMessage());
    }
}
