package io.github.learnpad.layers;

import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link PaddingMode}: names, parsing, and the layer each mode builds (configurations only, nothing is run). */
class PaddingModeTest {

    @Test
    void idsAndParse() {
        String[] ids = {"zero", "reflect", "replicate", "circular", "learned"};
        PaddingMode[] modes = PaddingMode.values();
        assertEquals(ids.length, modes.length);
        for (int i = 0; i < ids.length; i++) {
            assertEquals(ids[i], modes[i].id());
            assertEquals(modes[i], PaddingMode.parse(ids[i]));
            assertEquals(modes[i], PaddingMode.parse(ids[i].toUpperCase()));
        }
        assertEquals(PaddingMode.REFLECT, PaddingMode.parse(" Reflect "));
    }

    @Test
    void parseRejectsUnknownNamesListingTheValidOnes() {
        for (String bad : new String[]{"symmetric", "", "zeros", null}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PaddingMode.parse(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'")
                    && e.getMessage().contains("zero, reflect, replicate, circular, learned"), e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(PaddingMode.class)
    void layerHasTheModeAndAmounts(PaddingMode mode) {
        Layer l = mode.layer(1, 2, 3, 4);
        assertEquals(mode, PaddingMode.of(l));
        assertArrayEquals(new int[]{1, 2, 3, 4}, PaddingMode.padding(l));
        assertArrayEquals(new int[]{5, 5, 5, 5}, PaddingMode.padding(mode.layer(5)));
        // Each call builds a new configuration (networks must not share layer objects).
        assertTrue(mode.layer(1) != mode.layer(1));
    }

    @Test
    void layerClasses() {
        ZeroPaddingLayer zero = assertInstanceOf(ZeroPaddingLayer.class, PaddingMode.ZERO.layer(1, 2, 3, 4));
        assertArrayEquals(new int[]{1, 2, 3, 4}, zero.getPadding());
        PaddingModule learned = assertInstanceOf(PaddingModule.class, PaddingMode.LEARNED.layer(1, 2, 3, 4));
        assertEquals(1, learned.getTop());
        assertEquals(2, learned.getBottom());
        assertEquals(3, learned.getLeft());
        assertEquals(4, learned.getRight());
        FixedPadding.Mode[] fixed = {FixedPadding.Mode.REFLECT, FixedPadding.Mode.REPLICATE, FixedPadding.Mode.CIRCULAR};
        PaddingMode[] modes = {PaddingMode.REFLECT, PaddingMode.REPLICATE, PaddingMode.CIRCULAR};
        for (int i = 0; i < 3; i++) {
            FixedPadding f = assertInstanceOf(FixedPadding.class, modes[i].layer(1, 2, 3, 4));
            assertEquals(fixed[i], f.getMode());
            assertEquals(fixed[i], modes[i].fixedMode());
            assertEquals(1, f.getTop());
            assertEquals(2, f.getBottom());
            assertEquals(3, f.getLeft());
            assertEquals(4, f.getRight());
            assertTrue(modes[i].isFixed());
        }
        assertTrue(PaddingMode.ZERO.isFixed());
        assertFalse(PaddingMode.LEARNED.isFixed());
        assertThrows(IllegalStateException.class, PaddingMode.ZERO::fixedMode);
        assertThrows(IllegalStateException.class, PaddingMode.LEARNED::fixedMode);
    }

    @ParameterizedTest
    @EnumSource(PaddingMode.class)
    void negativeAmountsAreRejected(PaddingMode mode) {
        // DL4J's ZeroPaddingLayer throws its own IllegalArgumentException/IllegalStateException; all are runtime errors.
        RuntimeException e = assertThrows(RuntimeException.class, () -> mode.layer(0, 0, 0, -1));
        assertTrue(e instanceof IllegalArgumentException || e instanceof IllegalStateException, e.toString());
    }

    @Test
    void ofRejectsOtherLayers() {
        Layer conv = new ConvolutionLayer.Builder(3, 3).nOut(1).build();
        assertThrows(IllegalArgumentException.class, () -> PaddingMode.of(conv));
        assertThrows(IllegalArgumentException.class, () -> PaddingMode.padding(conv));
    }
}
