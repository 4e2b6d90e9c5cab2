package io.github.learnpad.cli;

import io.github.learnpad.OneDnn;
import io.github.learnpad.OneDnnTestExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.github.learnpad.cli.LearnPadCliTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI runs with DL4J's oneDNN helpers by default, says so once, and {@code --no-onednn} switches them off. */
class OneDnnCliTest {
    @TempDir
    Path tmp;

    @AfterEach
    void restore() {
        OneDnnTestExtension.restore();
    }

    /** A command that fails fast after the start-up (no such model): enough to see what the CLI switched. */
    private LearnPadCliTest.Run evalMissing(String... before) {
        String[] args = new String[before.length + 3];
        System.arraycopy(before, 0, args, 0, before.length);
        args[before.length] = "eval";
        args[before.length + 1] = "--model";
        args[before.length + 2] = tmp.resolve("missing.zip").toString();
        return cli(args);
    }

    @Test
    void onByDefaultAndSaysSoOnce() {
        OneDnn.disable();
        LearnPadCliTest.Run r = evalMissing();
        assertEquals(1, r.code(), r.err());
        assertTrue(OneDnn.isActive());
        assertEquals(1, r.err().split("oneDNN helpers on:", -1).length - 1, r.err());
    }

    @Test
    void noOneDnnRunsTheBuiltInPath() {
        OneDnn.enable();
        LearnPadCliTest.Run r = evalMissing("--no-onednn");
        assertFalse(OneDnn.isActive());
        assertTrue(r.err().contains("oneDNN helpers off (--no-onednn)"), r.err());

        OneDnn.enable();
        // Also accepted after the command's name (an inherited option).
        r = cli("eval", "--no-onednn", "--model", tmp.resolve("missing.zip").toString());
        assertEquals(1, r.code(), r.err());
        assertFalse(OneDnn.isActive());
    }

    @Test
    void helpSwitchesNothing() {
        OneDnn.disable();
        LearnPadCliTest.Run r = cli("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--no-onednn"), r.out());
        assertFalse(OneDnn.isActive());
        assertFalse(r.err().contains("oneDNN"), r.err());
    }
}
