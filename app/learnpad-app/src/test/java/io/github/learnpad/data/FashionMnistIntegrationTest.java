package io.github.learnpad.data;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Reads the real Fashion-MNIST (Debian package {@code dataset-fashion-mnist}, or {@code LEARNPAD_FASHION_MNIST_DIR});
 * skipped with a message when it is not installed.
 */
class FashionMnistIntegrationTest {

    private static Path realDir() {
        for (Path p : DataLocations.system().candidates(DatasetSpec.Kind.FASHION_MNIST, null)) {
            if (FashionMnistReader.isPresent(p)) {
                return p;
            }
        }
        return null;
    }

    private static int[] histogram(int[] labels) {
        int[] h = new int[10];
        for (int l : labels) {
            h[l]++;
        }
        return h;
    }

    @Test
    void realFashionMnistHasTheOfficialCounts() throws IOException {
        Path dir = realDir();
        assumeTrue(dir != null, "Fashion-MNIST not installed: `apt-get install -y dataset-fashion-mnist` or set "
                + DataLocations.FASHION_MNIST_ENV + " to run this test");
        TrainTest tt = FashionMnistReader.load(dir);
        assertArrayEquals(new long[]{60000, 1, 28, 28}, tt.train().features().shape());
        assertArrayEquals(new long[]{10000, 1, 28, 28}, tt.test().features().shape());
        int[] six = new int[10];
        java.util.Arrays.fill(six, 6000);
        assertArrayEquals(six, histogram(tt.train().labels()));
        int[] one = new int[10];
        java.util.Arrays.fill(one, 1000);
        assertArrayEquals(one, histogram(tt.test().labels()));
        // The widely quoted training-set pixel mean of Fashion-MNIST is 0.2860 (std 0.3530).
        // (Accumulated in double: ND4J's FLOAT meanNumber() over these 47M values gives 0.2889.)
        PerChannelNormalizer n = PerChannelNormalizer.fit(tt.train());
        assertEquals(0.2860, n.mean()[0], 5e-5);
        assertEquals(0.3530, n.std()[0], 5e-5);
        assertEquals(0.0, tt.train().features().minNumber().doubleValue(), 0.0);
        assertEquals(1.0, tt.train().features().maxNumber().doubleValue(), 0.0);
    }

    @Test
    void realFashionMnistResizedSubset() throws IOException {
        Path dir = realDir();
        assumeTrue(dir != null, "Fashion-MNIST not installed: `apt-get install -y dataset-fashion-mnist` to run this test");
        DataOptions o = DataOptions.builder().dataDir(dir).size(32, 32).trainLimit(500).testLimit(200).seed(1).build();
        TrainTest tt = Datasets.load(DatasetSpec.fashionMnist(), o);
        assertArrayEquals(new long[]{500, 1, 32, 32}, tt.train().features().shape());
        assertArrayEquals(new long[]{200, 1, 32, 32}, tt.test().features().shape());
        assertEquals(FashionMnistReader.CLASS_NAMES, tt.test().classNames());
    }
}
