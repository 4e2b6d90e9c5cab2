package io.github.learnpad.models;

import io.github.learnpad.layers.PaddingMode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link Architecture#whyNot} answers by arithmetic; the builders decide by building. This checks that they agree,
 * message included, for every model and layout over a range of sizes: the way the command line used to answer
 * (build the whole configuration, catch the exception) is kept here as the reference.
 */
class ArchitectureSizesTest {
    /** Every side up to 130 (both layouts' switch at 64, ResNet50's 69, VGG's multiples of 32), then a few more. */
    static List<Integer> sides() {
        List<Integer> s = new ArrayList<>();
        for (int i = 1; i <= 130; i++) {
            s.add(i);
        }
        s.addAll(List.of(160, 191, 192, 224, 225, 256));
        return s;
    }

    /** The reference: build the configuration (zero padding, 2 classes) and catch what the builder throws. */
    static String byBuilding(Architecture a, Variant variant, int channels, int height, int width) {
        try {
            ModelBuilder<?, ?> b = a.builder().numClasses(2).inputShape(channels, height, width)
                    .padding(PaddingMode.ZERO).seed(1);
            if (variant != null && a.hasVariants()) {
                b.variant(variant);
            }
            b.build().conf();
            return null;
        } catch (IllegalStateException | IllegalArgumentException | org.deeplearning4j.exception.DL4JException e) {
            return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        }
    }

    @Test
    void arithmeticAgreesWithBuildingForEveryModelLayoutAndSize() {
        List<Variant> layouts = new ArrayList<>(Arrays.asList(Variant.values()));
        layouts.add(null);
        for (Architecture a : Architecture.values()) {
            for (Variant v : a.hasVariants() ? layouts : Arrays.asList((Variant) null)) {
                for (int s : sides()) {
                    assertEquals(byBuilding(a, v, 1, s, s), a.whyNot(v, 1, s, s), a + " " + v + " " + s + "x" + s);
                }
                // non-square: one side fits, the other does not
                for (int[] hw : new int[][]{{32, 40}, {40, 32}, {3, 28}, {28, 3}, {68, 96}, {96, 68}, {0, 32}}) {
                    assertEquals(byBuilding(a, v, 3, hw[0], hw[1]), a.whyNot(v, 3, hw[0], hw[1]),
                            a + " " + v + " " + hw[0] + "x" + hw[1]);
                }
            }
        }
    }

    @Test
    void smallestSquareSizes() {
        assertEquals(32, Architecture.VGG16.smallestSquareSize(null, 1, 28, 1024));
        assertEquals(64, Architecture.VGG16.smallestSquareSize(null, 1, 33, 1024));
        assertEquals(28, Architecture.SMALL.smallestSquareSize(null, 1, 28, 1024));
        assertEquals(4, Architecture.SMALL.smallestSquareSize(null, 1, 1, 1024));
        assertEquals(69, Architecture.RESNET50.smallestSquareSize(Variant.IMAGENET, 3, 1, 1024));
        assertEquals(-1, Architecture.VGG16.smallestSquareSize(null, 1, 1000, 1023));
    }
}
