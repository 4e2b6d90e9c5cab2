package io.github.learnpad.training;

import io.github.learnpad.data.ImageDataset;
import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.models.SmallCnn;
import io.github.learnpad.train.LearningRateSchedule;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** {@link Trainer} with the library's {@link LearningRateSchedule}s. */
class TrainerScheduleTest {
    @TempDir
    Path dir;

    @Test
    void trainerRunsEachEpochAtTheScheduledRate() throws Exception {
        Threads.limit(1);
        ImageDataset train = TinyData.make("t", 24, 1, 8, 1);
        ImageDataset test = TinyData.make("e", 8, 1, 8, 2);
        int epochs = 3;
        Map<Integer, Double> expected = LearningRateSchedule.COSINE.perEpoch(0.01, epochs, 0.01);
        ComputationGraph net = SmallCnn.builder().numClasses(3).inputShape(1, 8, 8).baseWidth(2)
                .padding(PaddingMode.ZERO)
                .updater(new Adam(LearningRateSchedule.COSINE.schedule(0.01, epochs, 0.01))).seed(1).build().init();
        List<Double> seen = new ArrayList<>();
        Trainer.builder().train(train, 8).test(test).epochs(epochs).seed(1).outDir(dir.resolve("run"))
                .progress(TrainingProgress.NONE)
                // Called after the epoch with the network's epoch count still that epoch's (0-based).
                .epochListener((m, n) -> seen.add(((ComputationGraph) n).getLearningRate("conv1")))
                .build().train(net);
        assertEquals(new ArrayList<>(expected.values()), seen);
    }
}
