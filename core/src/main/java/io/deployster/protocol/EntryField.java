package io.deployster.protocol;

/**
 * Fields of a queue stream entry ({@code <namespace>:queue:<queue>}, docs/protocol.md, "Queue entries").
 * In Lua each is {@code ENTRY_<NAME>}.
 */
public final class EntryField {
    /** The job's id. */
    public static final String JOB = "job";
    /** The job spec as JSON. */
    public static final String SPEC = "spec";
    /** Signature: key id, issued-at (epoch ms) and HMAC-SHA256 hex; empty when unsigned. */
    public static final String KID = "kid";
    public static final String IAT = "iat";
    public static final String SIG = "sig";

    private EntryField() {
    }
}
