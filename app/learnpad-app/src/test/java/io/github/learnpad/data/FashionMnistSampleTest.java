package io.github.learnpad.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Fashion-MNIST sample inside the application ({@code fashion-mnist-sample}) loads on its own, carries its licence
 * notice, and (where the full set is installed) holds exactly the demo's subset of it.
 */
class FashionMnistSampleTest {
    @TempDir
    Path tmp;

    @Test
    void sampleLoadsAsADatasetWithBothSplits() throws IOException {
        TrainTest tt = Datasets.load(DatasetSpec.parse("fashion-mnist-sample"), DataOptions.builder().build());
        assertArrayEquals(new long[]{FashionMnistSample.TRAIN, 1, 28, 28}, tt.train().features().shape());
        assertArrayEquals(new long[]{FashionMnistSample.TEST, 1, 28, 28}, tt.test().features().shape());
        assertEquals(FashionMnistReader.CLASS_NAMES, tt.train().classNames());
        int[] seen = new int[10];
        for (int l : tt.train().labels()) {
            seen[l]++;
        }
        for (int c = 0; c < 10; c++) {
            assertTrue(seen[c] > 200, "class " + c + " has " + seen[c] + " of 3000 training images");
        }
        // The demo asks for 3000 + 1000 of them: all of the sample, in its order.
        TrainTest demo = Datasets.load(DatasetSpec.fashionMnistSample(), DataOptions.builder().trainLimit(3000)
                .testLimit(1000).seed(FashionMnistSample.SEED).build());
        assertArrayEquals(tt.train().labels(), demo.train().labels());
        assertArrayEquals(tt.test().features().data().asFloat(), demo.test().features().data().asFloat());
    }

    @Test
    void sampleCarriesFashionMnistsLicence() throws IOException {
        try (InputStream in = FashionMnistSample.class.getResourceAsStream(FashionMnistSample.RESOURCE + "/LICENSE")) {
            assertNotNull(in, "LICENSE next to the sample");
            String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(text.contains("Zalando SE") && text.contains("MIT"), text);
        }
    }

    @Test
    void sampleIsTheDemosSubsetOfTheFullSet() throws IOException {
        Path full = null;
        for (Path p : DataLocations.system().candidates(DatasetSpec.Kind.FASHION_MNIST, null)) {
            if (FashionMnistReader.isPresent(p)) {
                full = p;
            }
        }
        assumeTrue(full != null, "Fashion-MNIST not installed: `apt-get install -y dataset-fashion-mnist` or set "
                + DataLocations.FASHION_MNIST_ENV + " to run this test");
        // Written again from the full set, the files are byte for byte the shipped ones.
        Path again = tmp.resolve("again");
        FashionMnistSample.write(full, again);
        Path shipped = FashionMnistSample.dir();
        for (String f : FashionMnistReader.FILE_NAMES) {
            assertArrayEquals(IdxFiles.readMaybeGzip(shipped.resolve(f)), IdxFiles.readMaybeGzip(again.resolve(f)), f);
        }
        // And they are the images the demo's options pick from the full set.
        TrainTest fromFull = Datasets.load(DatasetSpec.fashionMnist(), DataOptions.builder().dataDir(full)
                .trainLimit(FashionMnistSample.TRAIN).testLimit(FashionMnistSample.TEST).seed(FashionMnistSample.SEED)
                .build());
        TrainTest sample = Datasets.load(DatasetSpec.fashionMnistSample(), DataOptions.builder().build());
        assertArrayEquals(fromFull.train().labels(), sample.train().labels());
        assertArrayEquals(fromFull.train().features().data().asFloat(), sample.train().features().data().asFloat());
        assertArrayEquals(fromFull.test().features().data().asFloat(), sample.test().features().data().asFloat());
    }

    @Test
    void writingNeverOverwrites() throws IOException {
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve(FashionMnistReader.FILE_NAMES.get(0)), "keep");
        IOException e = assertThrows(IOException.class, () -> FashionMnistSample.write(FashionMnistSample.dir(), out));
        assertTrue(e.getMessage().contains("never overwritten"), e.getMessage());
        assertEquals("keep", Files.readString(out.resolve(FashionMnistReader.FILE_NAMES.get(0))));
    }
}
