package io.deployster.secret;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Replaces every occurrence of a secret value in a line with ****, longest values first. */
public final class Masker {
    public static final String MASK = "****";
    private static final Masker NONE = new Masker(List.of());

    private final List<String> values;

    public Masker(Collection<String> secrets) {
        // very short values would mask ordinary text everywhere; they are refused at submit instead
        this.values = secrets.stream().filter(v -> v != null && !v.isEmpty()).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    public static Masker none() {
        return NONE;
    }

    public String mask(String line) {
        String out = line;
        for (String v : values) {
            if (out.contains(v)) {
                out = out.replace(v, MASK);
            }
        }
        return out;
    }
}
