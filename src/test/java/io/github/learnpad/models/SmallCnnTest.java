package io.github.learnpad.models;

import io.github.learnpad.layers.PaddingMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;

class SmallCnnTest {
    @Test
    void parameterCountsOfTheClassComment() {
        ComputationGraphConfiguration zero = SmallCnn.builder().numClasses(10).build().conf();
        ComputationGraphConfiguration learned = SmallCnn.builder().numClasses(10).padding(PaddingMode.LEARNED).build()
                .conf();
        assertEquals(16_986, ModelsTest.paramCount(zero));
        assertEquals(16_986 + 1_820, ModelsTest.paramCount(learned));
    }

    @ParameterizedTest
    @EnumSource(PaddingMode.class)
    void everyModePadsBeforeEachConvolution(PaddingMode mode) {
        ComputationGraphConfiguration conf = SmallCnn.builder().numClasses(3).inputShape(2, 12, 12).baseWidth(4)
                .padding(mode).build().conf();
        assertEquals(4, ModelsTest.paddingLayers(conf, mode).size(), mode.id());
        ComputationGraph net = SmallCnn.builder().numClasses(3).inputShape(2, 12, 12).baseWidth(4).padding(mode)
                .build().init();
        assertArrayEquals(new long[]{5, 3}, net.outputSingle(Nd4j.rand(5, 2, 12, 12)).shape());
    }

    @Test
    void refusesOptionsThatDoNotApply() {
        IllegalStateException v = assertThrows(IllegalStateException.class,
                () -> SmallCnn.builder().numClasses(3).variant(Variant.CIFAR).build());
        assertTrue(v.getMessage().contains("one layout"), v.getMessage());
        assertThrows(IllegalStateException.class, () -> SmallCnn.builder().numClasses(1).build());
        assertThrows(IllegalStateException.class, () -> SmallCnn.builder().numClasses(3).inputShape(1, 3, 8).build());
    }

    @Test
    void architectureRegistryBuildsEachByName() {
        for (Architecture a : Architecture.values()) {
            assertSame(a, Architecture.parse(a.id().toUpperCase()));
        }
        ModelBuilder<?, ?> b = Architecture.parse("small").builder().numClasses(4).inputShape(1, 8, 8);
        assertTrue(b.build() instanceof SmallCnn);
        assertTrue(Architecture.VGG16.builder().numClasses(2).build() instanceof Vgg16);
        assertTrue(Architecture.RESNET50.builder().numClasses(2).build() instanceof ResNet50);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Architecture.parse("lenet"));
        assertTrue(e.getMessage().contains("small, vgg16, resnet50"), e.getMessage());
    }
}
