package io.github.learnpad.training;

import io.github.learnpad.RestoresNd4jThreads;
import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.layers.PaddingVariant;
import io.github.learnpad.models.SmallCnn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(RestoresNd4jThreads.class)
class TrainingFingerprintTest {
    @TempDir
    Path tmp;

    /** Copies the training source trees of the real repository into {@code to} (another place: a "move"). */
    private static void copyTrainingSources(Path root, Path to) throws IOException {
        for (Map.Entry<String, List<String>> tree : TrainingFingerprint.TRAINING_SOURCES.entrySet()) {
            for (String pkg : tree.getValue()) {
                Path from = root.resolve(tree.getKey()).resolve(pkg);
                try (Stream<Path> s = Files.walk(from)) {
                    for (Path p : (Iterable<Path>) s::iterator) {
                        Path target = to.resolve(tree.getKey()).resolve(pkg).resolve(from.relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(target);
                        } else {
                            Files.copy(p, target);
                        }
                    }
                }
            }
        }
    }

    @Test
    void sourceHashIgnoresMovesResultsAndCommentsButNotArithmetic() throws IOException {
        Path root = TrainingFingerprint.sourceRoot();
        String[] real = TrainingFingerprint.sources(root);
        assertTrue(Integer.parseInt(real[1]) > 40, "files hashed: " + real[1]);

        Path moved = tmp.resolve("elsewhere/clone");
        copyTrainingSources(root, moved);
        assertEquals(real[0], TrainingFingerprint.sources(moved)[0], "a copy elsewhere has the same fingerprint");

        // adding results (and any file outside the training sources) changes nothing
        Path results = moved.resolve("docs/results/study2-fashion/runs");
        Files.createDirectories(results);
        Files.writeString(results.resolve("zero-seed1.json"), "{\"format\":1}");
        Files.writeString(moved.resolve("app/learnpad-app/src/main/java/io/github/learnpad/training/notes.txt"), "x");
        assertEquals(real[0], TrainingFingerprint.sources(moved)[0], "results and non-Java files are not hashed");

        // a comment and re-indentation change nothing
        Path cosine = moved.resolve("src/main/java/io/github/learnpad/train/CosineSchedule.java");
        String original = Files.readString(cosine);
        Files.writeString(cosine, "// a new comment\n/* and a block */\n" + original.replace("\n", "\n  ")
                + "\n/** a trailing doc comment */\n");
        assertEquals(real[0], TrainingFingerprint.sources(moved)[0], "comments and blanks are not arithmetic");

        // a change to training arithmetic (the learning-rate schedule's formula) changes it
        assertTrue(original.contains("Math.cos"), "CosineSchedule no longer uses Math.cos: update this test");
        Files.writeString(cosine, original.replaceFirst("Math\\.cos", "Math.sin"));
        assertNotEquals(real[0], TrainingFingerprint.sources(moved)[0]);
        Files.writeString(cosine, original);
        assertEquals(real[0], TrainingFingerprint.sources(moved)[0]);

        // so does a changed constant in the application's training code
        Path trainer = moved.resolve("app/learnpad-app/src/main/java/io/github/learnpad/training/Trainer.java");
        Files.writeString(trainer, Files.readString(trainer) + "\nclass Extra { static final int X = 1; }\n");
        assertNotEquals(real[0], TrainingFingerprint.sources(moved)[0]);
    }

    @Test
    void normalisationKeepsLiteralsAndDropsComments() {
        String a = "class A { String u = \"http://x/*y*/\"; char c = '/'; // note\n int b = 1 /* two */ + 2; }";
        String b = "class A {\n  String u = \"http://x/*y*/\";\n  char c = '/';\n  int b = 1 + 2;\n}";
        assertEquals(TrainingFingerprint.normalise(a), TrainingFingerprint.normalise(b));
        assertNotEquals(TrainingFingerprint.normalise(a), TrainingFingerprint.normalise(b.replace("x/*y*/", "x/y")));
        assertNotEquals(TrainingFingerprint.normalise("int b = 1 + 2;"), TrainingFingerprint.normalise("int b = 1 + 3;"));
    }

    private static Comparison.NetworkFactory small(double lr) {
        return (p, seed) -> SmallCnn.builder().numClasses(3).inputShape(1, 12, 12).baseWidth(4).padding(p)
                .updater(new Adam(lr)).seed(seed).build().init();
    }

    @Test
    void probeIsRepeatableAndSeesArithmetic() {
        Threads.limit(1);
        List<PaddingVariant> ps = List.of(PaddingVariant.of(PaddingMode.ZERO), PaddingVariant.LEARNED);
        String a = TrainingFingerprint.probe(small(1e-3), ps, 3, 1, 12, 12);
        assertEquals(a, TrainingFingerprint.probe(small(1e-3), ps, 3, 1, 12, 12), "the probe must be deterministic");
        // a learning rate changed by 0.1%: different arithmetic, different fingerprint (a change of 1e-7 is lost in
        // float rounding within two steps)
        assertNotEquals(a, TrainingFingerprint.probe(small(1.001e-3), ps, 3, 1, 12, 12));
        assertNotEquals(a, TrainingFingerprint.probe(small(1e-3), List.of(PaddingVariant.of(PaddingMode.ZERO),
                PaddingVariant.LEARNED_MIXING), 3, 1, 12, 12));
    }
}
