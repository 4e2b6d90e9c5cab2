package io.github.learnpad.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Cifar10ReaderTest {
    @TempDir
    Path tmp;

    @Test
    void readsPlanesAndLabelsExactly() throws IOException {
        TestFiles.writeCifar(tmp);
        TrainTest tt = Cifar10Reader.load(tmp);
        assertArrayEquals(new long[]{10, 3, 32, 32}, tt.train().features().shape());
        assertArrayEquals(new long[]{3, 3, 32, 32}, tt.test().features().shape());
        assertArrayEquals(new int[]{2, 3, 4, 5, 6, 7, 8, 9, 0, 1}, tt.train().labels());
        assertArrayEquals(new int[]{7, 8, 9}, tt.test().labels());
        assertEquals(Cifar10Reader.CLASS_NAMES, tt.train().classNames());
        // Train image 3 is record 1 of data_batch_2 (salt 20 + 1); check every pixel of every plane.
        byte[] px = TestFiles.pixels(3072, 21);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    assertEquals((px[c * 1024 + y * 32 + x] & 0xFF) / 255f, tt.train().features().getFloat(3, c, y, x), 0f);
                }
            }
        }
        byte[] t2 = TestFiles.pixels(3072, 102);
        assertEquals((t2[1024 + 5 * 32 + 7] & 0xFF) / 255f, tt.test().features().getFloat(2, 1, 5, 7), 0f);
    }

    @Test
    void findsSubFolderAndMetaNames() throws IOException {
        Path sub = tmp.resolve(Cifar10Reader.BATCH_FOLDER);
        TestFiles.writeCifar(sub);
        List<String> names = List.of("a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9");
        Files.writeString(sub.resolve("batches.meta.txt"), String.join("\n", names) + "\n\n");
        assertEquals(sub, Cifar10Reader.batchDir(tmp));
        TrainTest tt = Cifar10Reader.load(tmp);
        assertEquals(names, tt.test().classNames());
    }

    @Test
    void lengthNotMultipleOfRecordIsNamed() throws IOException {
        TestFiles.writeCifar(tmp);
        Path f = tmp.resolve("data_batch_3.bin");
        byte[] b = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(b, b.length - 1));
        IOException e = assertThrows(IOException.class, () -> Cifar10Reader.load(tmp));
        assertTrue(e.getMessage().contains("data_batch_3.bin") && e.getMessage().contains("3073"), e.getMessage());
    }

    @Test
    void badLabelIsNamed() throws IOException {
        TestFiles.writeCifar(tmp);
        Files.write(tmp.resolve("data_batch_4.bin"), TestFiles.cifarBatch(new int[]{1, 12}, 0));
        IOException e = assertThrows(IOException.class, () -> Cifar10Reader.load(tmp));
        assertTrue(e.getMessage().contains("data_batch_4.bin") && e.getMessage().contains("record 1")
                && e.getMessage().contains("label 12"), e.getMessage());
    }

    @Test
    void missingFilesAreListed() throws IOException {
        TestFiles.writeCifar(tmp);
        Files.delete(tmp.resolve("test_batch.bin"));
        assertEquals(null, Cifar10Reader.batchDir(tmp));
        IOException e = assertThrows(IOException.class, () -> Cifar10Reader.load(tmp));
        assertTrue(e.getMessage().contains("test_batch.bin"), e.getMessage());
    }
}
