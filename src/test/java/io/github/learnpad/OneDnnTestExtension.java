package io.github.learnpad;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs every test class with DL4J's oneDNN helpers on (registered for all tests through JUnit's extension
 * auto-detection, see junit-platform.properties), so that the suite exercises the path the CLI uses. With
 * {@code -Dlearnpad.onednn=false} it switches them off instead, to run the suite on DL4J's built-in layers.
 * Tests that switch the helpers themselves restore this state for the next class.
 */
public final class OneDnnTestExtension implements BeforeAllCallback {
    /** Whether this run wants the helpers on ({@code -Dlearnpad.onednn}, default true). */
    public static boolean wanted() {
        return Boolean.parseBoolean(System.getProperty("learnpad.onednn", "true"));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (wanted()) {
            OneDnn.enable();
        } else {
            OneDnn.disable();
        }
    }
}
