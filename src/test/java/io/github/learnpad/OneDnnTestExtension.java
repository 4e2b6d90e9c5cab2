package io.github.learnpad;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
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
        restore();
    }

    /** Back to this run's choice, after a test switched the helpers itself. */
    public static void restore() {
        if (wanted()) {
            OneDnn.enable();
        } else {
            OneDnn.disable();
        }
    }

    /**
     * For tests of the helpers themselves ({@code @ExtendWith(OneDnnTestExtension.Required.class)}): switches them on
     * before each test, failing with the reason where the backend cannot, and back to this run's choice after it.
     */
    public static final class Required implements BeforeEachCallback, AfterEachCallback {
        @Override
        public void beforeEach(ExtensionContext context) {
            Assertions.assertTrue(OneDnn.enable(), "this test needs the oneDNN backend (pom: nd4j.classifier "
                    + "*-onednn): " + OneDnn.status());
        }

        @Override
        public void afterEach(ExtensionContext context) {
            restore();
        }
    }
}
