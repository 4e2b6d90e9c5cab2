package io.github.learnpad.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;

/** {@link FixedPaddingOps#pad(INDArray, PaddingMode, int)}: images padded outside a network, as the layers do inside. */
class FixedPaddingOfImagesTest {

    /** What the mode's DL4J layer outputs in a one-layer network. */
    private static INDArray throughTheLayer(PaddingMode mode, INDArray x, int b) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(x.dataType()).list()
                .layer(mode.layer(b, b, b, b))
                .layer(new CnnLossLayer.Builder().activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(x.size(2), x.size(3), x.size(1)))
                .build());
        net.init();
        return net.output(x, false);
    }

    @ParameterizedTest
    @EnumSource(value = PaddingMode.class, names = {"ZERO", "REFLECT", "REPLICATE", "CIRCULAR"})
    void equalsTheLayerBitForBit(PaddingMode mode) {
        Nd4j.getRandom().setSeed(5);
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            INDArray x = Nd4j.rand(type, 3, 2, 7, 6);
            for (int b : new int[]{0, 1, 3}) {
                INDArray got = FixedPaddingOps.pad(x, mode, b);
                assertEquals(type, got.dataType());
                assertTrue(throughTheLayer(mode, x, b).equalsWithEps(got, 0), mode + " b=" + b + " " + type);
            }
        }
    }

    @Test
    void refusesLearnedAndTooMuchPadding() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 1, 4, 4);
        IllegalArgumentException l = assertThrows(IllegalArgumentException.class,
                () -> FixedPaddingOps.pad(x, PaddingMode.LEARNED, 1));
        assertTrue(l.getMessage().contains("StandalonePaddingModule"), l.getMessage());
        IllegalArgumentException r = assertThrows(IllegalArgumentException.class,
                () -> FixedPaddingOps.pad(x, PaddingMode.REFLECT, 4));
        assertTrue(r.getMessage().contains("cannot pad"), r.getMessage());
        assertEquals(12, FixedPaddingOps.pad(x, PaddingMode.REPLICATE, 4).size(2), "replicate pads any amount");
    }

    @Test
    void standaloneFitIsReproducibleAndLowersTheLocalLoss() {
        Nd4j.getRandom().setSeed(9);
        // Smooth images (a ramp plus a little noise): the borders are predictable.
        INDArray ramp = Nd4j.linspace(0, 1, 10, DataType.FLOAT).reshape(1, 1, 1, 10).broadcast(40, 1, 10, 10);
        INDArray images = ramp.add(Nd4j.rand(DataType.FLOAT, 40, 1, 10, 10).muli(0.05));
        PaddingModule conf = new PaddingModule.Builder().padding(1)
                .predictorUpdater(new org.nd4j.linalg.learning.config.Adam(1e-2)).build();
        Nd4j.getRandom().setSeed(11);
        StandalonePaddingModule a = new StandalonePaddingModule(conf, 1);
        Nd4j.getRandom().setSeed(11);
        StandalonePaddingModule b = new StandalonePaddingModule(conf, 1);
        // assertArrayEquals on double[] without a delta: exact.
        a.params().forEach((k, v) -> assertArrayEquals(v.reshape(-1).toDoubleVector(), b.params().get(k).reshape(-1).toDoubleVector(),
                "same start: " + k));
        double before = a.localLoss(images);
        a.fitLocal(images, 30, 8, 3);
        b.fitLocal(images, 30, 8, 3);
        a.params().forEach((k, v) -> assertArrayEquals(v.reshape(-1).toDoubleVector(), b.params().get(k).reshape(-1).toDoubleVector(), k));
        assertFalse(java.util.Arrays.equals(a.params().get("topW").reshape(-1).toDoubleVector(),
                new StandalonePaddingModule(conf, 1).params().get("topW").reshape(-1).toDoubleVector()), "the fit moved topW");
        assertTrue(a.localLoss(images) < before, before + " -> " + a.localLoss(images));
        assertThrows(IllegalArgumentException.class, () -> a.fitLocal(images, 1, 0, 3));
    }
}
