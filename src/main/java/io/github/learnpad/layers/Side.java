package io.github.learnpad.layers;

/**
 * The four sides of a feature map, in the order the padding layers pad them: rows first (top, bottom), then columns
 * (left, right) over the row-padded map. A Padding Module's parameters are named after the sides
 * ({@link #weightKey()}, {@link #biasKey()}); saved configurations hold the amounts as {@code top}, {@code bottom},
 * {@code left}, {@code right}, never this enum.
 */
public enum Side {
    TOP, BOTTOM, LEFT, RIGHT;

    /** Parameter-name prefix ("top", "bottom", ...). DL4J forbids '_' in parameter names. */
    public String key() {
        return name().toLowerCase();
    }

    /** The name of this side's predictor weight in a Padding Module's parameter table, e.g. {@code topW}. */
    public String weightKey() {
        return key() + "W";
    }

    /** The name of this side's predictor bias, e.g. {@code topB}. */
    public String biasKey() {
        return key() + "B";
    }

    /** True for the sides whose border runs along the width (top, bottom). */
    public boolean isRow() {
        return this == TOP || this == BOTTOM;
    }
}
