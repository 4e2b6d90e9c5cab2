/**
 * Learning-rate schedules for DL4J updaters: {@link io.github.learnpad.train.CosineSchedule} (which ND4J 1.0.0-M2.1
 * lacks) and {@link io.github.learnpad.train.LearningRateSchedule}, the per-epoch schedules of LearnPad's runs.
 * <p>
 * The package's name is older than its content: it once held the training loop too, which now lives in the
 * application ({@code io.github.learnpad.training}). It stays {@code train} because every model trained on a cosine
 * schedule names {@code io.github.learnpad.train.CosineSchedule} in its saved JSON.
 */
package io.github.learnpad.train;
