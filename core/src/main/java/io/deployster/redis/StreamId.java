package io.deployster.redis;

/**
 * The id of a Redis stream entry, {@code MILLIS-SEQUENCE} (both unsigned 64-bit in Redis; here
 * non-negative longs, which covers every id Redis makes from a clock). Ordered as Redis orders them.
 *
 * @param millis the milliseconds part
 * @param sequence the sequence within that millisecond
 */
public record StreamId(long millis, long sequence) implements Comparable<StreamId> {
    /** Before every entry: reading after it reads a stream from its beginning. */
    public static final StreamId ZERO = new StreamId(0, 0);

    public StreamId {
        if (millis < 0 || sequence < 0) {
            throw new IllegalArgumentException("stream id " + millis + "-" + sequence + " is not allowed; both parts must be 0 or more");
        }
    }

    /**
     * @param text {@code MILLIS-SEQUENCE}, e.g. {@code 1700000000000-3}
     * @throws IllegalArgumentException naming the text when it is not of that shape
     */
    public static StreamId parse(String text) {
        int dash = text == null ? -1 : text.indexOf('-');
        if (dash >= 1 && dash <= 19 && text.length() - dash - 1 >= 1 && text.length() - dash - 1 <= 19
                && digits(text, 0, dash) && digits(text, dash + 1, text.length())) {
            try {
                return new StreamId(Long.parseLong(text, 0, dash, 10), Long.parseLong(text, dash + 1, text.length(), 10));
            } catch (NumberFormatException e) {
                // beyond a long: described below
            }
        }
        throw new IllegalArgumentException("stream id '" + text + "' is not MILLIS-SEQUENCE, e.g. 1700000000000-0");
    }

    private static boolean digits(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** The id right after this one in the same millisecond. */
    public StreamId next() {
        return new StreamId(millis, sequence + 1);
    }

    @Override
    public int compareTo(StreamId other) {
        int byMillis = Long.compare(millis, other.millis);
        return byMillis != 0 ? byMillis : Long.compare(sequence, other.sequence);
    }

    @Override
    public String toString() {
        return millis + "-" + sequence;
    }
}
