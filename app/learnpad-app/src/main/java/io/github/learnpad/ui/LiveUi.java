package io.github.learnpad.ui;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import org.deeplearning4j.config.DL4JSystemProperties;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.ui.VertxUIServer;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * DL4J's training UI ({@link VertxUIServer}: {@code /train/overview}, {@code /train/model}, {@code /train/system})
 * listening on one address only, by default the loopback interface, plus LearnPad's local-loss page
 * ({@link LocalLossModule}, {@code /learnpad/local-loss}).
 *
 * <p>Why not {@code UIServer.getInstance()}: DL4J 1.0.0-M2.1's server takes only a port and listens on every
 * interface (its {@code listen(port, handler)} on a Vert.x 3.9 server means 0.0.0.0), so anyone on the network could
 * read the run's statistics and model configuration. Here the same verticle is deployed, but the {@link Vertx} it is
 * given creates HTTP servers whose {@code listen(port, handler)} listens on the chosen address instead of the
 * "0.0.0.0" that Vert.x 3.9 passes there. Everything else is DL4J's own code. One UI per
 * JVM, as with DL4J's {@code UIServer}.
 */
public final class LiveUi implements AutoCloseable {
    /** DL4J's default UI port. */
    public static final int DEFAULT_PORT = VertxUIServer.DEFAULT_UI_PORT;
    /** Where the UI listens unless told otherwise. */
    public static final String LOOPBACK = "127.0.0.1";

    private final VertxUIServer server;
    private final String host;
    private final int port;

    private LiveUi(VertxUIServer server, String host, int port) {
        this.server = server;
        this.host = host;
        this.port = port;
    }

    /**
     * Starts the UI on {@code host:port} and waits until it listens.
     *
     * @param host an address of this machine, e.g. {@link #LOOPBACK}; anything else exposes the UI to the network
     * @param port TCP port, 0 for any free port
     * @throws IllegalStateException naming the port and the option to change it if it is in use, or if a UI already
     *                               runs in this JVM
     */
    public static LiveUi start(String host, int port) {
        return start(host, port, "--ui=PORT");
    }

    /**
     * As {@link #start(String, int)}, naming {@code portOption} (e.g. "--port PORT") in the error of a port in use.
     */
    public static synchronized LiveUi start(String host, int port, String portOption) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("UI port must be in 0..65535 (0: any free port), got " + port);
        }
        try {
            InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--ui-host " + host + " is not an address of this machine: " + e);
        }
        VertxUIServer running = VertxUIServer.getInstance();
        if (running != null && !running.isStopped()) {
            throw new IllegalStateException("a DL4J training UI already runs in this JVM on port " + running.getPort());
        }
        VertxUIServer.getMultiSession().set(false);
        VertxUIServer.setStatsStorageProvider(null);
        Vertx vertx = Vertx.vertx();
        BoundServer verticle = new BoundServer(host);
        CompletableFuture<String> deployed = new CompletableFuture<>();
        // VertxUIServer.start reads its port from this system property when it has none of its own.
        String property = DL4JSystemProperties.UI_SERVER_PORT_PROPERTY;
        String before = System.getProperty(property);
        System.setProperty(property, Integer.toString(port));
        try {
            vertx.deployVerticle(verticle, (AsyncResult<String> r) -> {
                if (r.succeeded()) {
                    deployed.complete(r.result());
                } else {
                    deployed.completeExceptionally(r.cause());
                }
            });
            deployed.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            vertx.close();
            try {
                VertxUIServer.stopInstance();
            } catch (Exception ignored) {
                // already failed; the message below says why
            }
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (isBindFailure(cause)) {
                throw new IllegalStateException("the training UI cannot listen on " + host + ":" + port + ": the port "
                        + "is in use (another learnpad --ui or DL4J UI?); choose another with " + portOption
                        + " (0: any free port)", cause);
            }
            throw new IllegalStateException("the training UI failed to start on " + host + ":" + port + ": "
                    + cause, cause);
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
        return new LiveUi(verticle, host, verticle.getPort());
    }

    private static boolean isBindFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BindException || (c.getMessage() != null && c.getMessage().contains("Address already "
                    + "in use"))) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code host} is a loopback address (127.0.0.0/8, ::1, localhost). */
    public static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The port it listens on (the free port chosen when started with 0). */
    public int port() {
        return port;
    }

    /** The address it listens on. */
    public String host() {
        return host;
    }

    /** The base URL, e.g. {@code http://127.0.0.1:9000}. */
    public String baseUrl() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        if ("0.0.0.0".equals(host) || "::".equals(host)) {
            h = "localhost";
        }
        return "http://" + h + ":" + port;
    }

    /** DL4J's overview page: score, update:parameter ratios, activations, learning rates. */
    public String overviewUrl() {
        return baseUrl() + "/train/overview";
    }

    /** LearnPad's page of the Padding Modules' local losses. */
    public String localLossUrl() {
        return baseUrl() + LocalLossModule.PAGE;
    }

    /** Shows the sessions of {@code storage} (DL4J's UI lets the user pick one). */
    public void attach(StatsStorage storage) {
        server.attach(storage);
    }

    /** Stops listening (the attached storages stay open: close them after). */
    @Override
    public synchronized void close() {
        try {
            VertxUIServer.stopInstance();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the training UI failed: " + e, e);
        }
    }

    /** DL4J's UI verticle, given a Vert.x whose HTTP servers listen on one address. */
    static final class BoundServer extends VertxUIServer {
        private final String host;

        BoundServer(String host) {
            this.host = host;
        }

        @Override
        public void init(Vertx vertx, Context context) {
            super.init(bindingTo(vertx, host), context);
        }
    }

    /**
     * {@code vertx} itself, except that {@code createHttpServer()} makes servers listening on {@code host}. A proxy
     * over all of the instance's interfaces (VertxInternal among them), so code that casts to them still works.
     */
    static Vertx bindingTo(Vertx vertx, String host) {
        Set<Class<?>> interfaces = new LinkedHashSet<>();
        for (Class<?> c = vertx.getClass(); c != null; c = c.getSuperclass()) {
            addInterfaces(c, interfaces);
        }
        InvocationHandler h = (proxy, method, args) -> {
            if (method.getName().equals("createHttpServer") && method.getParameterCount() == 0) {
                return listeningOn(vertx.createHttpServer(new HttpServerOptions().setHost(host)), host);
            }
            try {
                return method.invoke(vertx, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Vertx) Proxy.newProxyInstance(LiveUi.class.getClassLoader(), interfaces.toArray(new Class<?>[0]), h);
    }

    /**
     * {@code server} itself, except that {@code listen(port)} and {@code listen(port, handler)} listen on
     * {@code host}: Vert.x 3.9 passes "0.0.0.0" there, whatever the options say. Fluent calls return the proxy.
     */
    static HttpServer listeningOn(HttpServer server, String host) {
        HttpServer[] self = new HttpServer[1];
        InvocationHandler h = (proxy, method, args) -> {
            Class<?>[] p = method.getParameterTypes();
            Object r;
            try {
                if (method.getName().equals("listen") && p.length >= 1 && p[0] == int.class
                        && (p.length == 1 || (p.length == 2 && p[1] == Handler.class))) {
                    @SuppressWarnings("unchecked")
                    Handler<AsyncResult<HttpServer>> handler = p.length == 2
                            ? (Handler<AsyncResult<HttpServer>>) args[1] : null;
                    r = handler == null ? server.listen((Integer) args[0], host)
                            : server.listen((Integer) args[0], host, handler);
                } else {
                    r = method.invoke(server, args);
                }
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            return r == server ? self[0] : r;
        };
        self[0] = (HttpServer) Proxy.newProxyInstance(LiveUi.class.getClassLoader(), new Class<?>[]{HttpServer.class},
                h);
        return self[0];
    }

    private static void addInterfaces(Class<?> c, Set<Class<?>> out) {
        for (Class<?> i : c.getInterfaces()) {
            if (out.add(i)) {
                addInterfaces(i, out);
            }
        }
    }
}
