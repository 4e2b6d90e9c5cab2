package io.github.learnpad.data;

import java.io.IOException;
import java.util.List;

/**
 * Random access to the labelled 8-bit images of one split, before conversion to floats. Lets
 * {@link ImageAssembler} subset before decoding and resizing, so a small {@code --train-limit} stays cheap.
 */
interface ImageSource {
    String name();

    List<String> classNames();

    int size();

    int label(int i);

    /** The channels every image has, or -1 when images may differ (an image folder). */
    int fixedChannels();

    /** The height every image has, or -1 when images may differ. */
    int fixedHeight();

    /** The width every image has, or -1 when images may differ. */
    int fixedWidth();

    RawImage image(int i) throws IOException;
}
