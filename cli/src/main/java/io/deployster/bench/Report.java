package io.deployster.bench;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The printed table and the JSON result file of one benchmark run. */
final class Report {
    private static final String[] HEADER = {"scenario", "measure", "value", "in RTTs (p50 / p99 / max)", "target", ""};

    private final Map<String, Object> root = new LinkedHashMap<>();
    private final List<ScenarioResult> results = new ArrayList<>();

    Report(Map<String, Object> header) {
        root.put("schema", "deployster-bench/1");
        root.putAll(header);
    }

    void add(ScenarioResult result) {
        results.add(result);
    }

    boolean allCompleted() {
        return results.stream().allMatch(ScenarioResult::completed);
    }

    void printTable(PrintWriter out) {
        List<String[]> lines = new ArrayList<>();
        lines.add(HEADER);
        for (ScenarioResult r : results) {
            for (ScenarioResult.Row row : r.rows()) {
                lines.add(new String[] {row.scenario(), row.measure(), row.value(), row.ratio(), row.target(),
                        row.pass() == null ? "" : row.pass() ? "PASS" : "MISS"});
            }
            if (!r.completed()) {
                lines.add(new String[] {r.name(), "DID NOT COMPLETE: " + r.error(), "", "", "", ""});
            }
        }
        int[] width = new int[HEADER.length];
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                width[i] = Math.max(width[i], line[i].length());
            }
        }
        for (int k = 0; k < lines.size(); k++) {
            String[] line = lines.get(k);
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                s.append(i == 0 ? "" : "  ").append(line[i]).append(" ".repeat(width[i] - line[i].length()));
            }
            out.println(s.toString().stripTrailing());
            if (k == 0) {
                int total = 0;
                for (int w : width) {
                    total += w + 2;
                }
                out.println("-".repeat(total - 2));
            }
        }
        out.flush();
    }

    void write(Path file, double seconds) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>(root);
        json.put("seconds", ScenarioResult.round(seconds));
        json.put("loadAverageAtEnd", Machine.loadAverage());
        json.put("allCompleted", allCompleted());
        Map<String, Object> scenarios = new LinkedHashMap<>();
        for (ScenarioResult r : results) {
            scenarios.put(r.name(), r.toJson());
        }
        json.put("scenarios", scenarios);
        String text = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create().toJson(json);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
    }
}
