package io.deployster.job;

import java.time.Duration;
import java.util.Locale;

/** Durations for people: the two largest units that matter, e.g. "3.4 s", "2 min 5 s", "3 h", "1 d 2 h". */
public final class Durations {
    private Durations() {
    }

    public static String readable(Duration d) {
        long ms = Math.abs(d.toMillis());
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 3600) {
            return two(s / 60, "min", s % 60, "s");
        }
        if (s < 86_400) {
            return two(s / 3600, "h", s % 3600 / 60, "min");
        }
        return two(s / 86_400, "d", s % 86_400 / 3600, "h");
    }

    private static String two(long big, String bigUnit, long small, String smallUnit) {
        return big + " " + bigUnit + (small == 0 ? "" : " " + small + " " + smallUnit);
    }
}
