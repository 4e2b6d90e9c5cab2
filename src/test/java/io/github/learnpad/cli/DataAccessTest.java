package io.github.learnpad.cli;

import io.github.learnpad.data.ImageDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class DataAccessTest {
    @TempDir
    Path tmp;

    @Test
    void subsetWhileReadingPicksWhatImageDatasetSubsetPicks() throws Exception {
        LearnPadCliTest.writeIdx(tmp, "train", 40, 1);
        LearnPadCliTest.writeIdx(tmp, "t10k", 20, 2);
        DataAccess.TrainTest all = DataAccess.load("fashion-mnist", tmp, false, 0, 0, 0, 5);
        DataAccess.TrainTest some = DataAccess.load("fashion-mnist", tmp, false, 0, 12, 7, 5);
        ImageDataset expected = all.train.subset(12, 5);
        assertEquals(expected.features(), some.train.features());
        assertArrayEquals(expected.labels(), some.train.labels());
        assertEquals(all.test.subset(7, 6).features(), some.test.features());
        assertEquals(40, all.train.size());
        assertEquals(1, all.train.channels());
        assertEquals(28, all.train.height());
        assertTrue(all.train.features().maxNumber().doubleValue() <= 1.0);
    }
}
