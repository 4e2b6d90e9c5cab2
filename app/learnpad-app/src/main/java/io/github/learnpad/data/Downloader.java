package io.github.learnpad.data;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * Fetches Fashion-MNIST or CIFAR-10 for {@code --download}; nothing in LearnPad downloads otherwise.
 *
 * <p>Each file is streamed to a temporary file next to its destination while its MD5 is computed; on a match it is
 * renamed atomically into place, on a mismatch the temporary file is deleted and an {@link IOException} gives the
 * URL, the expected and the actual checksum. Files already present are not fetched again (the readers validate them).
 *
 * <p>Sources (MD5 as published by the dataset authors):
 * <ul>
 *   <li>Fashion-MNIST: the four {@code .gz} files under {@value #FASHION_MNIST_BASE_URL}
 *       ({@link #FASHION_MNIST_MD5}); override the base URL with the system property
 *       {@value #FASHION_MNIST_URL_PROPERTY} (a mirror must serve identical files).</li>
 *   <li>CIFAR-10: {@value #CIFAR10_URL} (MD5 {@value #CIFAR10_MD5}, 162 MB), extracted with commons-compress into {@code DIR/cifar-10-batches-bin}; only the regular files
 *       directly in that folder are extracted, then the archive is deleted. Override the URL with
 *       {@value #CIFAR10_URL_PROPERTY}.</li>
 * </ul>
 */
public final class Downloader {
    private static final Logger log = LoggerFactory.getLogger(Downloader.class);

    public static final String FASHION_MNIST_BASE_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";
    /** Published MD5 of the four gzipped files (github.com/zalandoresearch/fashion-mnist README). */
    public static final Map<String, String> FASHION_MNIST_MD5 = Map.of(
            "train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
            "train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe",
            "t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79",
            "t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310");
    public static final String CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
    /** Published MD5 of the binary archive (www.cs.toronto.edu/~kriz/cifar.html). */
    public static final String CIFAR10_MD5 = "c32a1d4ab5d03f1284b67883e8d87530";
    public static final String FASHION_MNIST_URL_PROPERTY = "learnpad.download.fashionMnistBaseUrl";
    public static final String CIFAR10_URL_PROPERTY = "learnpad.download.cifar10Url";
    static final String CIFAR10_ARCHIVE = "cifar-10-binary.tar.gz";

    private final String fashionBaseUrl;
    private final Map<String, String> fashionMd5;
    private final String cifarUrl;
    private final String cifarMd5;
    private final HttpClient http;

    /** The official sources, unless overridden by the system properties above. */
    public Downloader() {
        this(System.getProperty(FASHION_MNIST_URL_PROPERTY, FASHION_MNIST_BASE_URL), FASHION_MNIST_MD5,
                System.getProperty(CIFAR10_URL_PROPERTY, CIFAR10_URL), CIFAR10_MD5);
    }

    /**
     * @param fashionBaseUrl base URL of the four Fashion-MNIST files (a trailing '/' is added if missing)
     * @param fashionMd5     expected MD5 (lower-case hex) per file name; must cover {@link FashionMnistReader#FILE_NAMES}
     * @param cifarUrl       URL of the CIFAR-10 binary tar.gz
     * @param cifarMd5       its expected MD5
     */
    public Downloader(String fashionBaseUrl, Map<String, String> fashionMd5, String cifarUrl, String cifarMd5) {
        this.fashionBaseUrl = fashionBaseUrl.endsWith("/") ? fashionBaseUrl : fashionBaseUrl + "/";
        this.fashionMd5 = Map.copyOf(fashionMd5);
        this.cifarUrl = Objects.requireNonNull(cifarUrl, "cifarUrl");
        this.cifarMd5 = Objects.requireNonNull(cifarMd5, "cifarMd5");
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
    }

    /** Downloads the missing Fashion-MNIST files into {@code dir} (created if needed); returns {@code dir}. */
    public Path fetchFashionMnist(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String name : FashionMnistReader.FILE_NAMES) {
            if (FashionMnistReader.find(dir, name) != null) {
                continue;
            }
            String md5 = fashionMd5.get(name);
            if (md5 == null) {
                throw new IllegalStateException("no checksum configured for " + name);
            }
            fetch(URI.create(fashionBaseUrl + name), dir.resolve(name), md5);
        }
        return dir;
    }

    /**
     * Downloads and extracts CIFAR-10 into {@code dir/cifar-10-batches-bin} unless its files are already there;
     * returns {@code dir}.
     */
    public Path fetchCifar10(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (Cifar10Reader.batchDir(dir) != null) {
            return dir;
        }
        Path archive = dir.resolve(CIFAR10_ARCHIVE);
        if (!Files.isRegularFile(archive)) {
            fetch(URI.create(cifarUrl), archive, cifarMd5);
        } else if (!cifarMd5.equalsIgnoreCase(md5(archive))) {
            Files.delete(archive);
            fetch(URI.create(cifarUrl), archive, cifarMd5);
        }
        extractCifar(archive, dir);
        Files.delete(archive);
        return dir;
    }

    /**
     * Streams {@code url} into {@code target} via a temporary file, checking the MD5.
     *
     * @throws IOException on HTTP errors (status and URL named) or a checksum mismatch (the partial file is deleted)
     */
    public void fetch(URI url, Path target, String expectedMd5) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".part");
        try {
            log.info("Downloading {} to {}", url, target);
            HttpResponse<InputStream> resp;
            try {
                resp = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(30)).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Download of " + url + " interrupted", e);
            }
            MessageDigest md = md5Digest();
            long bytes;
            try (InputStream in = resp.body()) {
                if (resp.statusCode() != 200) {
                    throw new IOException("Download of " + url + " failed: HTTP status " + resp.statusCode());
                }
                try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), md)) {
                    bytes = in.transferTo(out);
                }
            }
            String actual = HexFormat.of().formatHex(md.digest());
            if (!actual.equalsIgnoreCase(expectedMd5)) {
                throw new IOException("Checksum mismatch for " + url + ": MD5 " + actual + ", expected " + expectedMd5
                        + " (" + bytes + " bytes received); the partial file was deleted. Retry, or check the URL.");
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            log.info("Downloaded {} ({} bytes, MD5 ok)", target, bytes);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Extracts the regular files directly inside the archive's {@code cifar-10-batches-bin/} folder into
     * {@code dir/cifar-10-batches-bin} (each via a temporary file and rename); other entries are skipped, so a hostile
     * archive cannot write elsewhere.
     */
    static void extractCifar(Path archive, Path dir) throws IOException {
        Path out = dir.resolve(Cifar10Reader.BATCH_FOLDER);
        Files.createDirectories(out);
        int extracted = 0;
        try (InputStream gz = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive)), 1 << 16)) {
            TarArchiveInputStream tar = new TarArchiveInputStream(gz);
            for (TarArchiveEntry e = tar.getNextTarEntry(); e != null; e = tar.getNextTarEntry()) {
                if (!e.isFile()) {
                    continue;
                }
                String[] parts = e.getName().replace('\\', '/').split("/");
                List<String> p = java.util.Arrays.stream(parts).filter(s -> !s.isEmpty() && !s.equals(".")).toList();
                if (p.size() != 2 || !p.get(0).equals(Cifar10Reader.BATCH_FOLDER) || p.get(1).equals("..")) {
                    continue;
                }
                Path target = out.resolve(p.get(1));
                Path tmp = Files.createTempFile(out, p.get(1), ".part");
                try {
                    Files.copy(tar, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(tmp);
                }
                extracted++;
            }
        } catch (java.io.EOFException e) {
            throw new IOException(archive + ": archive is truncated; delete it and download again", e);
        } catch (IOException e) {
            throw new IOException(archive + ": " + e.getMessage() + "; delete it and download again", e);
        }
        if (Cifar10Reader.batchDir(dir) == null) {
            throw new IOException(archive + ": extracted " + extracted + " files but the CIFAR-10 batches are incomplete; missing "
                    + Cifar10Reader.missingFiles(dir));
        }
    }

    static String md5(Path file) throws IOException {
        MessageDigest md = md5Digest();
        try (InputStream in = new java.security.DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest md5Digest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by every Java platform", e);
        }
    }
}
