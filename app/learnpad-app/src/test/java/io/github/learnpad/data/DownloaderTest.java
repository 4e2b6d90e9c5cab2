package io.github.learnpad.data;

import com.sun.net.httpserver.HttpServer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Downloads from a local HTTP server on 127.0.0.1 serving files the test generates; never the internet. */
class DownloaderTest {
    @TempDir
    Path tmp;

    private HttpServer server;
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private String base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            requests.incrementAndGet();
            byte[] body = served.get(ex.getRequestURI().getPath());
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(body);
                }
            }
            ex.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    /** Serves a tiny Fashion-MNIST under /fm/ and returns the checksums. */
    private Map<String, String> serveFashion() throws Exception {
        Path src = tmp.resolve("src");
        TestFiles.writeFashion(src, 6, 4, 3, 3, true);
        Map<String, String> md5 = new HashMap<>();
        for (String name : FashionMnistReader.FILE_NAMES) {
            byte[] b = Files.readAllBytes(src.resolve(name));
            served.put("/fm/" + name, b);
            md5.put(name, md5(b));
        }
        return md5;
    }

    @Test
    void fetchesFashionMnistAndSkipsPresentFiles() throws Exception {
        Map<String, String> md5 = serveFashion();
        Downloader dl = new Downloader(base + "/fm", md5, base + "/none", "0");
        Path dir = tmp.resolve("dl");
        dl.fetchFashionMnist(dir);
        for (String name : FashionMnistReader.FILE_NAMES) {
            assertArrayEquals(served.get("/fm/" + name), Files.readAllBytes(dir.resolve(name)));
        }
        assertEquals(4, requests.get());
        dl.fetchFashionMnist(dir);
        assertEquals(4, requests.get(), "present files must not be fetched again");
        assertEquals(6, FashionMnistReader.load(dir).train().size());
    }

    @Test
    void datasetsLoadDownloadsIntoTheHomeDataFolder() throws Exception {
        Map<String, String> md5 = serveFashion();
        Downloader dl = new Downloader(base + "/fm/", md5, base + "/none", "0");
        Path home = tmp.resolve("home");
        DataLocations loc = new DataLocations(Map.of(), home, tmp.resolve("no-debian-package"));
        TrainTest tt = Datasets.load(DatasetSpec.fashionMnist(), DataOptions.builder().download(true).build(), loc, dl);
        Path target = home.resolve(".learnpad/data/fashion-mnist");
        assertEquals(4, tt.test().size());
        assertTrue(Files.isRegularFile(target.resolve("t10k-images-idx3-ubyte.gz")));
        // Found there next time, without the download flag.
        assertEquals(6, Datasets.load(DatasetSpec.fashionMnist(), DataOptions.defaults(), loc, dl).train().size());
        assertEquals(target, loc.downloadDir(DatasetSpec.Kind.FASHION_MNIST, null));
    }

    @Test
    void checksumMismatchDeletesThePartialFile() throws Exception {
        Map<String, String> md5 = new HashMap<>(serveFashion());
        md5.put("train-labels-idx1-ubyte.gz", "00000000000000000000000000000000");
        Downloader dl = new Downloader(base + "/fm/", md5, base + "/none", "0");
        Path dir = tmp.resolve("dl");
        IOException e = assertThrows(IOException.class, () -> dl.fetchFashionMnist(dir));
        assertTrue(e.getMessage().contains("Checksum mismatch") && e.getMessage().contains("train-labels-idx1-ubyte.gz")
                && e.getMessage().contains(md5(served.get("/fm/train-labels-idx1-ubyte.gz"))), e.getMessage());
        assertFalse(Files.exists(dir.resolve("train-labels-idx1-ubyte.gz")));
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.toString().endsWith(".part")), "no temporary file may remain");
        }
    }

    @Test
    void httpErrorIsReported() {
        Downloader dl = new Downloader(base + "/missing/", Downloader.FASHION_MNIST_MD5, base + "/none", "0");
        IOException e = assertThrows(IOException.class, () -> dl.fetchFashionMnist(tmp.resolve("dl")));
        assertTrue(e.getMessage().contains("HTTP status 404") && e.getMessage().contains("/missing/"), e.getMessage());
    }

    @Test
    void fetchesAndExtractsCifarSafely() throws Exception {
        Path src = tmp.resolve("cifar-src");
        TestFiles.writeCifar(src);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new java.util.zip.GZIPOutputStream(bos))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.putArchiveEntry(new TarArchiveEntry("cifar-10-batches-bin/"));
            tar.closeArchiveEntry();
            Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
            try (Stream<Path> s = Files.list(src)) {
                for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                    entries.put("cifar-10-batches-bin/" + p.getFileName(), Files.readAllBytes(p));
                }
            }
            entries.put("cifar-10-batches-bin/batches.meta.txt", "p0\np1\np2\np3\np4\np5\np6\np7\np8\np9\n".getBytes(StandardCharsets.UTF_8));
            entries.put("../evil.bin", new byte[]{1});
            entries.put("cifar-10-batches-bin/../../evil2.bin", new byte[]{2});
            for (Map.Entry<String, byte[]> en : entries.entrySet()) {
                TarArchiveEntry te = new TarArchiveEntry(en.getKey(), true);
                te.setSize(en.getValue().length);
                tar.putArchiveEntry(te);
                tar.write(en.getValue());
                tar.closeArchiveEntry();
            }
        }
        byte[] archive = bos.toByteArray();
        served.put("/kriz/cifar-10-binary.tar.gz", archive);
        Downloader dl = new Downloader(base + "/fm/", Map.of(), base + "/kriz/cifar-10-binary.tar.gz", md5(archive));
        Path dir = tmp.resolve("a/b/data");
        dl.fetchCifar10(dir);
        TrainTest tt = Cifar10Reader.load(dir);
        assertEquals(10, tt.train().size());
        assertEquals("p9", tt.train().classNames().get(9));
        assertArrayEquals(Files.readAllBytes(src.resolve("test_batch.bin")),
                Files.readAllBytes(dir.resolve("cifar-10-batches-bin/test_batch.bin")));
        assertFalse(Files.exists(dir.resolve(Downloader.CIFAR10_ARCHIVE)), "the archive is deleted after extraction");
        assertFalse(Files.exists(tmp.resolve("a/b/evil.bin")));
        assertFalse(Files.exists(tmp.resolve("a/evil2.bin")));
        assertFalse(Files.exists(tmp.resolve("a/b/evil2.bin")));

        // Through Datasets with --download into an explicit directory.
        Path other = tmp.resolve("other");
        TrainTest viaLoad = Datasets.load(DatasetSpec.cifar10(), DataOptions.builder().dataDir(other).download(true).build(),
                new DataLocations(Map.of(), tmp.resolve("home")), dl);
        assertEquals(3, viaLoad.test().size());

        Downloader bad = new Downloader(base + "/fm/", Map.of(), base + "/kriz/cifar-10-binary.tar.gz",
                "ffffffffffffffffffffffffffffffff");
        IOException e = assertThrows(IOException.class, () -> bad.fetchCifar10(tmp.resolve("bad")));
        assertTrue(e.getMessage().contains("Checksum mismatch"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("bad").resolve(Downloader.CIFAR10_ARCHIVE)));
    }
}
