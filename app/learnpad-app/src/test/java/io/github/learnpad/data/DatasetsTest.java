package io.github.learnpad.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetsTest {
    @TempDir
    Path tmp;

    /** No environment variables, a fresh home: no real dataset can leak in. */
    private DataLocations emptyLocations() {
        return new DataLocations(Map.of(), tmp.resolve("home"));
    }

    /** A downloader pointed at a closed port, for paths that must not download. */
    private static Downloader noNetwork() {
        return new Downloader("http://127.0.0.1:9/", Downloader.FASHION_MNIST_MD5, "http://127.0.0.1:9/x.tar.gz", "0");
    }

    @Test
    void parsesSpecs() {
        assertEquals(DatasetSpec.Kind.FASHION_MNIST, DatasetSpec.parse("fashion-mnist").kind());
        assertEquals(DatasetSpec.Kind.FASHION_MNIST, DatasetSpec.parse("Fashion-MNIST").kind());
        assertEquals(DatasetSpec.Kind.CIFAR10, DatasetSpec.parse("cifar10").kind());
        assertEquals(DatasetSpec.Kind.CIFAR10, DatasetSpec.parse("cifar-10").kind());
        DatasetSpec sample = DatasetSpec.parse("Fashion-MNIST-Sample");
        assertEquals(DatasetSpec.Kind.FASHION_MNIST_SAMPLE, sample.kind());
        assertEquals(sample, DatasetSpec.parse(sample.toString()));
        DatasetSpec f = DatasetSpec.parse("folder:/data/my images");
        assertEquals(DatasetSpec.Kind.FOLDER, f.kind());
        assertEquals(Path.of("/data/my images"), f.folder());
        assertEquals(f, DatasetSpec.parse(f.toString()));
        assertNull(DatasetSpec.parse("cifar10").folder());
        assertEquals(Path.of(System.getProperty("user.home"), "pics"), DatasetSpec.parse("folder:~/pics").folder());
        for (String bad : new String[]{"mnist", "folder:", "", "cifar100"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatasetSpec.parse(bad));
            assertTrue(e.getMessage().contains("fashion-mnist | fashion-mnist-sample | cifar10 | folder:PATH"),
                    e.getMessage());
        }
    }

    @Test
    void optionsValidate() {
        assertThrows(IllegalArgumentException.class, () -> DataOptions.builder().height(32).build());
        assertThrows(IllegalArgumentException.class, () -> DataOptions.builder().size(0, 3).build());
        assertThrows(IllegalArgumentException.class, () -> DataOptions.builder().trainLimit(0).build());
        assertThrows(IllegalArgumentException.class, () -> DataOptions.builder().testFraction(1.0).build());
        DataOptions o = DataOptions.builder().size(32, 32).seed(5).build();
        assertEquals(32, o.toBuilder().build().height());
        assertEquals(5, o.toBuilder().build().seed());
    }

    @Test
    void loadsFashionResizedAndAsRgb() throws IOException {
        TestFiles.writeFashion(tmp.resolve("f"), 20, 10, 28, 28, true);
        DataOptions o = DataOptions.builder().dataDir(tmp.resolve("f")).size(32, 32).channels(ChannelPolicy.RGB).build();
        TrainTest tt = Datasets.load(DatasetSpec.fashionMnist(), o, emptyLocations(), noNetwork());
        assertArrayEquals(new long[]{20, 3, 32, 32}, tt.train().features().shape());
        assertArrayEquals(new long[]{10, 3, 32, 32}, tt.test().features().shape());
        // Same as reading natively and resizing afterwards; grey replicated into R, G, B.
        TrainTest nat = FashionMnistReader.load(tmp.resolve("f"));
        ImageDataset resized = BilinearResizer.resize(nat.train(), 32, 32);
        for (int c = 0; c < 3; c++) {
            assertEquals(resized.features().get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.point(0)),
                    tt.train().features().get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.point(c)));
        }
        assertArrayEquals(nat.train().labels(), tt.train().labels());
    }

    @Test
    void limitsPickTheSameImagesAsSubset() throws IOException {
        TestFiles.writeFashion(tmp, 30, 12, 3, 3, true);
        DataOptions o = DataOptions.builder().dataDir(tmp).trainLimit(7).testLimit(5).seed(11).build();
        TrainTest tt = Datasets.load(DatasetSpec.fashionMnist(), o, emptyLocations(), noNetwork());
        TrainTest all = FashionMnistReader.load(tmp);
        ImageDataset exp = all.train().subset(7, 11);
        assertEquals(exp.features(), tt.train().features());
        assertArrayEquals(exp.labels(), tt.train().labels());
        assertEquals(all.test().subset(5, 11).features(), tt.test().features());
        assertEquals(5, tt.test().size());
    }

    @Test
    void cifarAsGreyUsesLuma() throws IOException {
        TestFiles.writeCifar(tmp.resolve("c").resolve(Cifar10Reader.BATCH_FOLDER));
        DataOptions o = DataOptions.builder().dataDir(tmp.resolve("c")).channels(ChannelPolicy.GREY).build();
        TrainTest tt = Datasets.load(DatasetSpec.cifar10(), o, emptyLocations(), noNetwork());
        assertEquals(1, tt.test().channels());
        byte[] px = TestFiles.pixels(3072, 101);
        int i = 4 * 32 + 9;
        double luma = (0.299 * (px[i] & 0xFF) + 0.587 * (px[1024 + i] & 0xFF) + 0.114 * (px[2048 + i] & 0xFF)) / 255.0;
        assertEquals(luma, tt.test().features().getFloat(1, 0, 4, 9), 1e-6);
    }

    @Test
    void environmentVariableAndDefaultLocations() throws IOException {
        TestFiles.writeCifar(tmp.resolve("env-cifar"));
        DataLocations env = new DataLocations(Map.of(DataLocations.CIFAR10_ENV, tmp.resolve("env-cifar").toString()),
                tmp.resolve("home"));
        assertEquals(10, Datasets.load(DatasetSpec.cifar10(), DataOptions.defaults(), env, noNetwork()).train().size());

        Path home = tmp.resolve("home2");
        TestFiles.writeCifar(home.resolve(".learnpad/data/cifar-10-batches-bin"));
        DataLocations def = new DataLocations(Map.of(), home);
        assertEquals(3, Datasets.load(DatasetSpec.cifar10(), DataOptions.defaults(), def, noNetwork()).test().size());
        assertEquals(home.resolve(".learnpad/data/cifar10"), def.downloadDir(DatasetSpec.Kind.CIFAR10, null));
        assertEquals(DataLocations.DEBIAN_FASHION_MNIST, def.candidates(DatasetSpec.Kind.FASHION_MNIST, null).get(0));
    }

    @Test
    void missingDataSaysHowToGetIt() {
        DataOptions o = DataOptions.builder().dataDir(tmp.resolve("nothing")).build();
        IOException f = assertThrows(IOException.class,
                () -> Datasets.load(DatasetSpec.fashionMnist(), o, emptyLocations(), noNetwork()));
        assertTrue(f.getMessage().contains("apt-get install -y dataset-fashion-mnist")
                && f.getMessage().contains("--download") && f.getMessage().contains("nothing"), f.getMessage());
        IOException c = assertThrows(IOException.class,
                () -> Datasets.load(DatasetSpec.cifar10(), DataOptions.defaults(), emptyLocations(), noNetwork()));
        assertTrue(c.getMessage().contains("--download") && c.getMessage().contains("cifar-10-binary.tar.gz")
                && c.getMessage().contains(DataLocations.CIFAR10_ENV), c.getMessage());
    }
}
