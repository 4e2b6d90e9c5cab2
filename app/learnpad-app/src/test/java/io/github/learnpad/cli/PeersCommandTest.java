package io.github.learnpad.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench peers}' option checks, without running a network. */
class PeersCommandTest {

    @Test
    void launchesMustBePositive() {
        LearnPadCliTest.Run r = LearnPadCliTest.cli("bench", "peers", "--no-torch", "--launches", "0");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("learnpad: error: --launches must be at least 1, not 0"), r.err());
    }

    @Test
    void formatsAreNotPooled() {
        LearnPadCliTest.Run r = LearnPadCliTest.cli("bench", "peers", "--no-torch", "--formats", "--launches", "2");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("--formats is not pooled over launches"), r.err());
    }

    @Test
    void helpShowsLaunchesButNotTheChildsOption() {
        LearnPadCliTest.Run r = LearnPadCliTest.cli("bench", "peers", "--help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("--launches=<launches>"), r.out());
        assertTrue(r.out().contains("differs between launches"), r.out());
        assertFalse(r.out().contains("--launch-results"), r.out());
    }
}
