package io.github.learnpad.ui;

import org.deeplearning4j.ui.VertxUIServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Collections;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Where the UI listens, checked by connecting, and what happens when its port is taken. */
class LiveUiTest {
    /** An IPv4 address of this machine that is not loopback, if it has one. */
    static Optional<InetAddress> networkAddress() throws IOException {
        for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!n.isUp() || n.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(n.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }

    static boolean accepts(InetAddress a, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(a, port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void listensOnLoopbackOnlyWhereDl4jsOwnServerListensEverywhere() throws Exception {
        Optional<InetAddress> lan = networkAddress();
        assumeTrue(lan.isPresent(), "this machine has no non-loopback IPv4 address to test from");
        // The breach this guards against: DL4J's own UIServer answers on the network address too, so the check
        // below can see an exposed server.
        VertxUIServer stock = VertxUIServer.getInstance(0, false, null);
        try {
            assertTrue(accepts(lan.get(), stock.getPort()), "DL4J's server on " + lan.get());
        } finally {
            VertxUIServer.stopInstance();
        }

        try (LiveUi ui = LiveUi.start(LiveUi.LOOPBACK, 0)) {
            assertTrue(ui.port() > 0);
            assertTrue(accepts(InetAddress.getByName("127.0.0.1"), ui.port()), "on loopback");
            assertFalse(accepts(lan.get(), ui.port()), "not on " + lan.get());
            assertEquals("http://127.0.0.1:" + ui.port() + "/train/overview", ui.overviewUrl());
        }

        // Exposing it is possible, when asked for.
        try (LiveUi ui = LiveUi.start(lan.get().getHostAddress(), 0)) {
            assertTrue(accepts(lan.get(), ui.port()));
            assertFalse(accepts(InetAddress.getByName("127.0.0.1"), ui.port()), "only where asked");
        }
    }

    @Test
    void aTakenPortIsAClearErrorAndTheNextStartWorks() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> LiveUi.start(LiveUi.LOOPBACK, taken.getLocalPort()));
            assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getLocalPort() + ": the port is in use"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("--ui=PORT"), e.getMessage());
        }
        try (LiveUi ui = LiveUi.start(LiveUi.LOOPBACK, 0)) {
            assertTrue(accepts(InetAddress.getByName("127.0.0.1"), ui.port()));
        }
    }

    @Test
    void isLoopback() {
        assertTrue(LiveUi.isLoopback("127.0.0.1"));
        assertTrue(LiveUi.isLoopback("localhost"));
        assertTrue(LiveUi.isLoopback("::1"));
        assertFalse(LiveUi.isLoopback("0.0.0.0"));
    }
}
