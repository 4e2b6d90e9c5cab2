package io.github.learnpad.layers;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class PaddingVariantTest {
    @Test
    void parsesModesAndLearnedMixing() {
        assertEquals(PaddingVariant.LEARNED_MIXING, PaddingVariant.parse(" Learned-Mixing "));
        assertEquals(PaddingVariant.LEARNED, PaddingVariant.parse("learned"));
        PaddingVariant reflect = PaddingVariant.parse("reflect");
        assertEquals("reflect", reflect.id());
        assertEquals(PaddingMode.REFLECT, reflect.mode());
        assertTrue(reflect.isPlainMode());
        assertFalse(PaddingVariant.LEARNED_MIXING.isPlainMode());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PaddingVariant.parse("mirror"));
        assertTrue(e.getMessage().contains("learned-mixing") && e.getMessage().contains("circular"), e.getMessage());
    }

    @Test
    void layersCarryTheSettings() {
        PaddingModule mixing = (PaddingModule) PaddingVariant.LEARNED_MIXING.layer(1, 2, 3, 4);
        assertTrue(mixing.isChannelMixing());
        assertArrayEquals(new int[]{1, 2, 3, 4}, mixing.getPadding());
        assertFalse(((PaddingModule) PaddingVariant.LEARNED.layer(1)).isChannelMixing());
        PaddingModule k3 = (PaddingModule) PaddingVariant.learned("learned-k3", b -> b.contextDepth(3)).layer(2);
        assertEquals(3, k3.getContextDepth());
        assertArrayEquals(new int[]{2, 2, 2, 2}, k3.getPadding());
        assertEquals(PaddingMode.REPLICATE, PaddingMode.of(PaddingVariant.of(PaddingMode.REPLICATE).layer(1)));
    }

    @Test
    void refusesBadNames() {
        assertThrows(IllegalArgumentException.class, () -> PaddingVariant.learned("zero", b -> { }));
        assertThrows(IllegalArgumentException.class, () -> PaddingVariant.learned("Learned K3", b -> { }));
        assertThrows(IllegalArgumentException.class, () -> PaddingVariant.learned("a,b", b -> { }));
    }
}
