package io.github.learnpad.data;

import java.util.Objects;

/**
 * A training set and a test set of the same dataset, with the same channels, size and class names.
 *
 * @param train images to train on, features {@code (Ntrain, C, H, W)}
 * @param test  held-out images, features {@code (Ntest, C, H, W)}
 */
public record TrainTest(ImageDataset train, ImageDataset test) {
    public TrainTest {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
    }
}
