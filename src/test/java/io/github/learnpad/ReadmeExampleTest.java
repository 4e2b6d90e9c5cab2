package io.github.learnpad;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The README's "Drop it into your network" example, read from README.md, compiles and trains (see {@link ReadmeExample}). */
class ReadmeExampleTest {
    /** The repository's README: the library's tests run in the repository's root. */
    static final Path README = Path.of("README.md");

    @Test
    void readmeExampleTrains() throws Exception {
        assertTrue(Files.isRegularFile(README), "README.md in the repository root");
        String snippet = ReadmeExample.firstJavaBlock(README);
        assertTrue(snippet.contains("new PaddingModule.Builder()"), snippet);
        DataSet d = ReadmeExample.data();
        // Surefire runs tests from a manifest-only jar; it gives the real test classpath in this property.
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        MultiLayerNetwork net = ReadmeExample.run(snippet, cp, new SingletonDataSetIterator(d));
        ReadmeExample.check(net, d);
    }

    @Test
    void aBrokenSnippetFailsToCompile() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ReadmeExample.run(
                "MultiLayerNetwork net = new MultiLayerNetwork(noSuchConf);", cp, null));
        assertTrue(e.getMessage().contains("noSuchConf"), e.getMessage());
    }
}
