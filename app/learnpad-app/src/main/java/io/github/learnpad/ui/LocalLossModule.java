package io.github.learnpad.ui;

import io.github.learnpad.training.Json;
import io.vertx.ext.web.RoutingContext;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.core.storage.StatsStorageEvent;
import org.deeplearning4j.ui.api.HttpMethod;
import org.deeplearning4j.ui.api.Route;
import org.deeplearning4j.ui.api.UIModule;
import org.deeplearning4j.ui.i18n.I18NResource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A DL4J UI module (found through {@code META-INF/services/org.deeplearning4j.ui.api.UIModule}, DL4J's extension
 * point) serving the Padding Modules' local losses next to DL4J's pages, on the same server and address:
 * <pre>
 * GET /learnpad/local-loss        a page that charts them per session, refreshed every 2 s
 * GET /learnpad/local-loss/data   JSON: [{"session", "iterations": [...], "epochs": [...], "score": [...],
 *                                         "localLosses": {"layer": [...]}}] from every attached storage
 * </pre>
 * The records are {@link LocalLossRecord}s written into the run's stats file by {@link LocalLossRecorder}. DL4J's
 * own pages cannot show them: its {@code StatsReport} carries score, parameters, updates, activations, learning
 * rates, memory and timing, and nothing a layer computes for itself.
 */
public final class LocalLossModule implements UIModule {
    public static final String PAGE = "/learnpad/local-loss";
    private final List<StatsStorage> storages = new CopyOnWriteArrayList<>();

    @Override
    public List<String> getCallbackTypeIDs() {
        return List.of(); // read on request, from the storages
    }

    @Override
    public List<Route> getRoutes() {
        return List.of(new Route(PAGE, HttpMethod.GET, (args, rc) -> page(rc)),
                new Route(PAGE + "/data", HttpMethod.GET, (args, rc) -> data(rc)));
    }

    @Override
    public void reportStorageEvents(Collection<StatsStorageEvent> events) {
    }

    @Override
    public void onAttach(StatsStorage statsStorage) {
        storages.add(statsStorage);
    }

    @Override
    public void onDetach(StatsStorage statsStorage) {
        storages.remove(statsStorage);
    }

    @Override
    public List<I18NResource> getInternationalizationResources() {
        return List.of();
    }

    private static void page(RoutingContext rc) {
        String html;
        try (InputStream in = LocalLossModule.class.getResourceAsStream("local-loss.html")) {
            if (in == null) {
                throw new IOException("local-loss.html is missing from the application jar");
            }
            html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        rc.response().putHeader("content-type", "text/html; charset=utf-8").end(html);
    }

    private void data(RoutingContext rc) {
        rc.response().putHeader("content-type", "application/json").end(Json.line(sessions()));
    }

    /** Every attached session with local-loss records, each in iteration order. */
    List<Map<String, Object>> sessions() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (StatsStorage s : storages) {
            if (s.isClosed()) {
                continue;
            }
            for (String session : s.listSessionIDs()) {
                List<LocalLossRecord> records = new ArrayList<>();
                for (Persistable p : s.getAllUpdatesAfter(session, LocalLossRecord.TYPE_ID, LocalLossRecorder.WORKER,
                        0)) {
                    if (p instanceof LocalLossRecord r) {
                        records.add(r);
                    }
                }
                if (records.isEmpty()) {
                    continue;
                }
                // Stable: a resumed run's repeated iterations keep their order of arrival.
                records.sort(Comparator.comparingInt(LocalLossRecord::iteration));
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("session", session);
                List<Integer> its = new ArrayList<>();
                List<Integer> epochs = new ArrayList<>();
                List<Double> score = new ArrayList<>();
                Map<String, List<Double>> losses = new LinkedHashMap<>();
                for (LocalLossRecord r : records) {
                    its.add(r.iteration());
                    epochs.add(r.epoch());
                    score.add(r.score());
                    int before = its.size() - 1; // a module first seen now gets nulls for the earlier iterations
                    r.localLosses().keySet().forEach(k -> losses.computeIfAbsent(k,
                            kk -> new ArrayList<>(java.util.Collections.nCopies(before, Double.NaN))));
                    losses.forEach((k, v) -> v.add(r.localLosses().getOrDefault(k, Double.NaN)));
                }
                m.put("iterations", its);
                m.put("epochs", epochs);
                m.put("score", score);
                m.put("localLosses", losses);
                out.add(m);
            }
        }
        return out;
    }
}
