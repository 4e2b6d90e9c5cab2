package io.github.learnpad.cli;

import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.layers.PaddingVariant;
import io.github.learnpad.models.Architecture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** {@link ComparisonSpec}: the typed value {@code compare} and {@code study} share. */
class ComparisonSpecTest {
    @TempDir
    Path tmp;

    @Test
    void overridesReplaceAnOptionAndComeLastInTheirOwnOrder() {
        ComparisonSpec preset = ComparisonSpec.builder().model(Architecture.VGG16).seeds(List.of(1L, 2L, 3L))
                .epochs(6).resume(true).build();
        ComparisonSpec spec = preset.overriddenBy(ComparisonSpec.parse(List.of("--threads", "1", "--seeds", "7")));
        assertEquals("learnpad compare --model vgg16 --epochs 6 --resume --threads 1 --seeds 7", spec.commandLine());
        CompareCommand c = spec.toCommand();
        assertEquals(List.of(7L), c.seeds, "a list option is replaced, not extended");
        assertEquals(6, c.options.epochs);
        assertEquals(64, c.options.batch, "options not given keep compare's defaults");
        assertEquals(List.of(PaddingVariant.of(PaddingMode.ZERO), PaddingVariant.LEARNED), c.paddings);
        assertTrue(c.resume);
    }

    @Test
    void aSpecPrintsAsTheCommandThatParsesBackToItself() {
        ComparisonSpec spec = StudyCommand.preset(StudyCommand.Preset.FASHION_PLATEAU);
        List<String> args = spec.args();
        assertEquals(spec, ComparisonSpec.parse(args));
        ComparisonSpec withFlags = ComparisonSpec.parse(List.of("--download", "--augment", "--lr=1e-3"));
        assertEquals(List.of("--download", "--augment", "--lr", "0.001"), withFlags.args());
        assertEquals(List.of("--ui=9001"), ComparisonSpec.parse(List.of("--ui", "9001")).args(),
                "an optional value is attached to its option");
    }

    @Test
    void badOverridesFailAsCompareWould() {
        assertThrows(CommandLine.UnmatchedArgumentException.class,
                () -> ComparisonSpec.parse(List.of("--no-such-option")));
        assertThrows(CommandLine.ParameterException.class, () -> ComparisonSpec.parse(List.of("--seeds", "x")));
    }

    @Test
    void thePhotosPresetSaysHowToMakeItsTilesWhenTheyAreMissing() {
        String home = System.getProperty("user.home");
        try {
            System.setProperty("user.home", tmp.toString());
            LearnPadCliTest.Run r = LearnPadCliTest.cli("study", "--preset", "photos");
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().contains(tmp.resolve(".learnpad/data/phototiles") + " (~/.learnpad/data/phototiles), "
                    + "which does not exist") && r.err().contains("PhotoTiles") && r.err().contains("--dataset folder:"),
                    r.err());
            LearnPadCliTest.Run p = LearnPadCliTest.cli("study", "--preset", "photos", "--print");
            assertEquals(0, p.code(), p.err());
            assertTrue(p.out().contains("--dataset folder:~/.learnpad/data/phototiles --channels rgb"), p.out());
        } finally {
            System.setProperty("user.home", home);
        }
    }
}
