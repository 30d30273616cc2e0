package io.deployster.gateway;

import io.deployster.job.JobState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON form of a job's state, as {@code deployster status} gives it; times are ISO-8601 UTC. */
final class JobView {
    private JobView() {
    }

    static Map<String, Object> of(JobState s, String baseUrl) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("status", s.status().wireName());
        m.put("ended", s.status().isTerminal());
        m.put("project", s.project());
        m.put("queue", s.queue());
        m.put("submittedBy", s.submittedBy());
        m.put("submittedAt", iso(s.submittedAt()));
        m.put("startedAt", iso(s.startedAt()));
        m.put("endedAt", iso(s.endedAt()));
        m.put("durationMs", s.durationMillis());
        m.put("worker", s.worker());
        m.put("exitCode", s.exitCode());
        m.put("failedCommand", s.failedCommand());
        m.put("reason", s.reason());
        m.put("waitingBehind", s.waitingBehind());
        m.put("fencingToken", s.fencingToken());
        m.put("url", baseUrl + "/api/v1/jobs/" + s.id());
        m.put("logUrl", baseUrl + "/api/v1/jobs/" + s.id() + "/log");
        return m;
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }
}
