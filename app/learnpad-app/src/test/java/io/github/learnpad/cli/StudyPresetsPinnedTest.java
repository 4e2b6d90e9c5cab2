package io.github.learnpad.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The study presets' effective {@code compare} options, pinned: the second edition's study runs with these presets,
 * and its run records' budget and options must not move. {@code study-presets.pinned.txt} was written by the code
 * before the presets became typed values (StudyCommand building argument strings and re-parsing them): for each
 * case, the printed compare line, every compare option's effective value and the budget ({@code describe()}). One
 * edit since: the first edition's photos preset reads its tiles from {@code ~/.learnpad/data/phototiles}, no longer
 * {@code /tmp/phototiles} (its three occurrences in the file).
 */
class StudyPresetsPinnedTest {
    /** A preset and overrides, as typed after {@code study --preset}. */
    static final List<List<String>> CASES = List.of(
            List.of("fashion"), List.of("photos"), List.of("fashion-plateau"), List.of("fashion-on-photos"),
            List.of("pilot-fashion"), List.of("pilot-fashion-on-photos"),
            List.of("fashion", "--seeds", "7"),
            List.of("fashion", "--data-dir", "/d", "--subset", "32", "--epochs", "2", "--seeds", "1,2", "--download",
                    "--augment", "--progress", "none", "--gallery-pad", "0", "--threads", "1"),
            List.of("pilot-fashion", "--epochs", "16", "--results", "docs/results/pilot-fashion-e16"),
            List.of("pilot-fashion-on-photos", "--epochs", "16", "--results", "docs/results/pilot-fashion-on-photos-e16"),
            List.of("fashion-on-photos", "--paddings", "zero,learned", "--baseline", "zero", "--dataset",
                    "fashion-on-photos:/p", "--width-multiplier", "0.25", "--lr", "0.001"),
            List.of("photos", "--dataset", "folder:/x/tiles", "--image-size", "64", "--channels", "grey"),
            List.of("fashion-plateau", "--primary", "learned:zero@0", "--shift-eval", "0,2", "--out", "o"));

    @Test
    void everyPresetYieldsTheSameCompareOptionsAsBefore() throws Exception {
        String expected;
        try (InputStream in = getClass().getResourceAsStream("study-presets.pinned.txt")) {
            assertNotNull(in);
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringBuilder sb = new StringBuilder();
        for (List<String> c : CASES) {
            StudyCommand.Preset p = new StudyCommand.PresetConverter().convert(c.get(0));
            ComparisonSpec spec = StudyCommand.resolve(p, c.subList(1, c.size()));
            sb.append("== ").append(String.join(" ", c)).append('\n');
            sb.append("print: ").append(spec.commandLine()).append('\n');
            sb.append(effective(spec.toCommand())).append('\n');
        }
        assertEquals(expected, sb.toString());
    }

    /** Every option of the compare command (help options aside) with its value, and the budget. */
    static String effective(CompareCommand cmp) {
        Map<String, String> m = new TreeMap<>();
        for (CommandLine.Model.OptionSpec o : new CommandLine(cmp).getCommandSpec().options()) {
            if (!o.usageHelp() && !o.versionHelp()) {
                m.put(o.longestName(), String.valueOf((Object) o.getValue()));
            }
        }
        return m + "\nbudget: " + cmp.options.describe();
    }
}
