package io.deployster.gateway;

import io.deployster.job.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request the gateway refuses: the HTTP status and a JSON body for people, naming the field, the
 * value given and what is allowed. Thrown by handlers, written by {@link GatewayServer}.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final transient Map<String, Object> body;

    private ApiError(int status, String message, Map<String, Object> body) {
        super(message, null, false, false);
        this.status = status;
        this.body = body;
    }

    /** {"error": message, "field": field, "value": value, "allowed": allowed}; null parts are left out. */
    public static ApiError of(int status, String field, String value, String allowed, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        if (field != null) {
            body.put("field", field);
            body.put("value", value);
            body.put("allowed", allowed);
        }
        return new ApiError(status, message, body);
    }

    /** A body in another service's format, for the compatible routes. */
    public static ApiError raw(int status, Map<String, Object> body) {
        return new ApiError(status, String.valueOf(body), new LinkedHashMap<>(body));
    }

    /** 400 for an invalid job spec, listing every problem; the first one is also given at the top level. */
    public static ApiError invalidJob(List<Problem> problems) {
        return invalid("job", problems);
    }

    /** 400 for an invalid {@code what} (job, workflow, task list), listing every problem; the first one also at the top level. */
    public static ApiError invalid(String what, List<Problem> problems) {
        Problem first = problems.get(0);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Problem p : problems) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("field", p.field());
            m.put("value", p.value());
            m.put("allowed", p.allowed());
            list.add(m);
        }
        ApiError e = of(400, first.field(), first.value(), first.allowed(), "invalid " + what + ": " + first);
        e.body.put("problems", list);
        return e;
    }

    public int status() {
        return status;
    }

    public Map<String, Object> body() {
        return body;
    }
}
