package io.github.learnpad;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;

/**
 * For test classes that limit ND4J's threads ({@code Threads.limit}, or the CLI's {@code --threads}): puts the limits
 * back after the class. Surefire runs all test classes in one JVM, so a limit left behind would silently run later
 * tests (e.g. the thread-count test of the Padding Module's passes) with one thread.
 */
public final class RestoresNd4jThreads implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RestoresNd4jThreads.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        Environment env = Nd4j.getEnvironment();
        context.getStore(NS).put("threads", new int[]{env.maxThreads(), env.maxMasterThreads()});
    }

    @Override
    public void afterAll(ExtensionContext context) {
        int[] saved = context.getStore(NS).get("threads", int[].class);
        Nd4j.getEnvironment().setMaxThreads(saved[0]);
        Nd4j.getEnvironment().setMaxMasterThreads(saved[1]);
    }
}
