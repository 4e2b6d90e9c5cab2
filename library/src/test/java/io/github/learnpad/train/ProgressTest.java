package io.github.learnpad.train;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

class ProgressTest {
    @Test
    void barWorksWithoutATerminal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Progress.EpochBar bar = Progress.BAR.epochBar(out, 2, 5, 3)) {
            bar.step(0.5, 0.01);
            bar.step(0.4, Double.NaN);
            bar.step(0.3, 0.02);
        }
        String s = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("epoch 2/5"), s);
        assertTrue(s.contains("3/3"), s);
        assertTrue(s.contains("loss 0.3000 pad 0.02000"), s);
    }

    @Test
    void onlyBarModeDrawsABar() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        for (Progress p : new Progress[]{Progress.LINES, Progress.NONE}) {
            try (Progress.EpochBar bar = p.epochBar(out, 1, 1, 1)) {
                bar.step(1, 1);
            }
        }
        assertEquals(0, bytes.size());
        // Under surefire stderr is not a terminal: AUTO means one line per epoch.
        assertEquals(System.console() == null ? Progress.LINES : Progress.BAR, Progress.AUTO.resolve());
    }
}
