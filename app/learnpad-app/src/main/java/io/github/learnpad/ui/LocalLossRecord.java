package io.github.learnpad.ui;

import org.deeplearning4j.core.storage.Persistable;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One iteration's Padding Module local losses (and the network's score), stored next to DL4J's
 * {@code StatsListener} reports in the run's stats file under {@link #TYPE_ID}: DL4J's {@code StatsReport} has no
 * place for a layer's own loss. Read back by {@link LocalLossModule}. Stored by class name: renaming or moving this
 * class makes the records of older stats files unreadable (DL4J's UI pages are not affected).
 */
public final class LocalLossRecord implements Persistable {
    /** The type ID of these records in a {@code StatsStorage}. */
    public static final String TYPE_ID = "LearnPadLocalLoss";
    private static final int FORMAT = 1;

    private String sessionId;
    private String workerId;
    private long timestamp;
    private int iteration;
    private int epoch;
    private double score;
    private Map<String, Double> localLosses = new LinkedHashMap<>();

    /** For decoding (DL4J's storages create records by reflection). */
    public LocalLossRecord() {
    }

    public LocalLossRecord(String sessionId, String workerId, long timestamp, int iteration, int epoch, double score,
            Map<String, Double> localLosses) {
        this.sessionId = sessionId;
        this.workerId = workerId;
        this.timestamp = timestamp;
        this.iteration = iteration;
        this.epoch = epoch;
        this.score = score;
        this.localLosses = new LinkedHashMap<>(localLosses);
    }

    public int iteration() { return iteration; }
    public int epoch() { return epoch; }
    /** The network's minibatch score at that iteration. */
    public double score() { return score; }
    /** Local loss per Padding Module (layer name), in layer order; NaN where undefined. */
    public Map<String, Double> localLosses() { return Collections.unmodifiableMap(localLosses); }

    @Override public String getSessionID() { return sessionId; }
    @Override public String getTypeID() { return TYPE_ID; }
    @Override public String getWorkerID() { return workerId; }
    @Override public long getTimeStamp() { return timestamp; }

    @Override
    public byte[] encode() {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64 + 32 * localLosses.size());
        try {
            encode(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    @Override
    public int encodingLengthBytes() {
        return encode().length;
    }

    @Override
    public void encode(ByteBuffer buffer) {
        buffer.put(encode());
    }

    @Override
    public void encode(OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(FORMAT);
        d.writeUTF(sessionId);
        d.writeUTF(workerId);
        d.writeLong(timestamp);
        d.writeInt(iteration);
        d.writeInt(epoch);
        d.writeDouble(score);
        d.writeInt(localLosses.size());
        for (Map.Entry<String, Double> e : localLosses.entrySet()) {
            d.writeUTF(e.getKey());
            d.writeDouble(e.getValue() == null ? Double.NaN : e.getValue());
        }
        d.flush();
    }

    @Override
    public void decode(byte[] bytes) {
        try {
            decode(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void decode(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.get(b);
        decode(b);
    }

    @Override
    public void decode(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int format = d.readInt();
        if (format != FORMAT) {
            throw new IOException("LearnPad local-loss record of format " + format + ", this version reads " + FORMAT);
        }
        sessionId = d.readUTF();
        workerId = d.readUTF();
        timestamp = d.readLong();
        iteration = d.readInt();
        epoch = d.readInt();
        score = d.readDouble();
        int n = d.readInt();
        localLosses = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            localLosses.put(d.readUTF(), d.readDouble());
        }
    }
}
