package io.deployster.callback;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.deployster.protocol.JobField;

/**
 * A callback's delivery as recorded on the job's or workflow's hash (field {@code callback}, JSON), so
 * {@code deployster status} and the gateway show it.
 *
 * @param state {@value #SENDING} (attempts go on), {@value #DELIVERED}, {@value #FAILED} (gave up) or {@value #REFUSED} (never sent)
 * @param attempts requests made so far
 * @param httpStatus the last answer's HTTP status, null when none came
 * @param error what went wrong last (HTTP status text, connection error, refusal), null once delivered
 * @param signedWith id of the key the body was signed with, null when the worker has no keys (unsigned)
 * @param updatedAt epoch ms of this record
 * @param deliveredAt epoch ms of the answer 2xx, null until then
 */
public record Delivery(String url, String state, int attempts, Integer httpStatus, String error, String signedWith, long updatedAt,
                       Long deliveredAt) {
    public static final String SENDING = "sending";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";
    public static final String REFUSED = "refused";
    /** Hash field of the job or workflow holding the record. */
    public static final String FIELD = JobField.CALLBACK;
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    public String toJson() {
        return GSON.toJson(this);
    }

    /** @return the record, or null for none */
    public static Delivery fromJson(String json) {
        return json == null || json.isEmpty() ? null : GSON.fromJson(json, Delivery.class);
    }

    /** One line for people: {@code delivered to URL after 2 attempt(s) (HTTP 200)}. */
    public String summary() {
        String tries = attempts + " attempt" + (attempts == 1 ? "" : "s");
        return switch (state) {
            case DELIVERED -> "delivered to " + url + " after " + tries + " (HTTP " + httpStatus + ")" + (signedWith == null ? ", unsigned" : "");
            case REFUSED -> "not sent to " + url + ": " + error;
            case FAILED -> "gave up on " + url + " after " + tries + "; last: " + error;
            default -> "sending to " + url + ", " + tries + " so far" + (error == null ? "" : "; last: " + error);
        };
    }
}
