package io.deployster.job;

/** One thing wrong with a job: which field, the value given, and what is allowed instead. */
public record Problem(String field, String value, String allowed) {

    @Override
    public String toString() {
        return "field '" + field + "'" + (value == null ? " is missing" : ": value '" + shorten(value) + "' is not allowed")
                + "; " + allowed;
    }

    private static String shorten(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}
