package io.github.learnpad.cli;

import io.github.learnpad.training.EpochMetrics;
import io.github.learnpad.training.TrainingProgress;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ProgressTest {
    @Test
    void barWorksWithoutATerminal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (TrainingProgress.Epoch bar = Progress.BAR.on(out).epochStarted(2, 5, 3)) {
            bar.batchDone(0.5, 0.01);
            bar.batchDone(0.4, Double.NaN);
            bar.batchDone(0.3, 0.02);
        }
        String s = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("epoch 2/5"), s);
        assertTrue(s.contains("3/3"), s);
        assertTrue(s.contains("loss 0.3000 pad 0.02000"), s);
    }

    @Test
    void onlyBarModeDrawsABarAndNoneIsSilent() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        EpochMetrics m = new EpochMetrics(1, 0.5, 0.6, 0.7, 1.0, Map.of());
        TrainingProgress lines = Progress.LINES.on(out);
        try (TrainingProgress.Epoch bar = lines.epochStarted(1, 1, 1)) {
            bar.batchDone(1, 1);
        }
        assertEquals(0, bytes.size(), "LINES draws no bar");
        lines.epochDone(m, 1);
        assertEquals("epoch 1/1: train loss 0.5000, test loss 0.6000, test accuracy 0.7000, 1.0 s",
                bytes.toString(StandardCharsets.UTF_8).strip());
        bytes.reset();
        TrainingProgress none = Progress.NONE.on(out);
        try (TrainingProgress.Epoch bar = none.epochStarted(1, 1, 1)) {
            bar.batchDone(1, 1);
        }
        none.message("hello");
        none.epochDone(m, 1);
        assertEquals(0, bytes.size(), "NONE prints nothing");
        // Under surefire stderr is not a terminal: AUTO means one line per epoch.
        assertEquals(System.console() == null ? Progress.LINES : Progress.BAR, Progress.AUTO.resolve());
    }
}
