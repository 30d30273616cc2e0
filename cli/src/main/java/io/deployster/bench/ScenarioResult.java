package io.deployster.bench;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What one scenario measured: its figures for the JSON file and its lines of the printed table. */
final class ScenarioResult {
    /** One line of the table. {@code pass} is null where the figure has no target. */
    record Row(String scenario, String measure, String value, String ratio, String target, Boolean pass) {
    }

    private final String name;
    private final Map<String, Object> figures = new LinkedHashMap<>();
    private final List<Map<String, Object>> targets = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();
    private boolean completed;
    private String error;
    private double seconds;

    ScenarioResult(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    String error() {
        return error;
    }

    boolean completed() {
        return completed;
    }

    void ended(boolean completed, String error, double seconds) {
        this.completed = completed;
        this.error = error;
        this.seconds = seconds;
    }

    List<Row> rows() {
        return rows;
    }

    void put(String key, Object value) {
        figures.put(key, value instanceof Double d ? round(d) : value);
    }

    /** Percentiles of {@code stats}, each also as a multiple of the Redis round trip {@code rttMs}. */
    Map<String, Object> latency(Samples.Stats stats, double rttMs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("samples", stats.count());
        m.put("p50Ms", round(stats.p50Ms()));
        m.put("p99Ms", round(stats.p99Ms()));
        m.put("maxMs", round(stats.maxMs()));
        m.put("meanMs", round(stats.meanMs()));
        m.put("p50Rtt", round(stats.p50Ms() / rttMs));
        m.put("p99Rtt", round(stats.p99Ms() / rttMs));
        m.put("maxRtt", round(stats.maxMs() / rttMs));
        return m;
    }

    /** A latency row: p50, p99 and max, and the same as multiples of the round trip. */
    void latencyRow(String measure, Samples.Stats stats, double rttMs, String target, Boolean pass) {
        row(measure, "p50 " + ms(stats.p50Ms()) + "  p99 " + ms(stats.p99Ms()) + "  max " + ms(stats.maxMs()) + " ms",
                times(stats.p50Ms() / rttMs) + " / " + times(stats.p99Ms() / rttMs) + " / " + times(stats.maxMs() / rttMs),
                target, pass);
    }

    void row(String measure, String value, String ratio, String target, Boolean pass) {
        rows.add(new Row(name, measure, value, ratio == null ? "" : ratio, target == null ? "" : target, pass));
        if (target != null) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("measure", measure);
            t.put("target", target);
            t.put("value", value);
            t.put("pass", pass);
            targets.add(t);
        }
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("completed", completed);
        m.put("error", error);
        m.put("seconds", round(seconds));
        m.putAll(figures);
        m.put("targets", targets);
        return m;
    }

    static double round(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("not a finite figure: " + v);
        }
        return BigDecimal.valueOf(v).setScale(4, RoundingMode.HALF_UP).doubleValue();
    }

    /** Milliseconds with three significant digits or so: 0.0612, 0.612, 6.12, 61.2, 612. */
    static String ms(double v) {
        if (v < 0.1) {
            return String.format(Locale.ROOT, "%.4f", v);
        }
        if (v < 10) {
            return String.format(Locale.ROOT, "%.3f", v);
        }
        if (v < 100) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    static String times(double v) {
        return v < 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%,.0f", v);
    }

    static String count(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }
}
