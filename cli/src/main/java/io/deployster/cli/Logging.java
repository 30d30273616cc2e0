package io.deployster.cli;

import java.time.ZoneId;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** One line per log record on stderr, for people reading a worker's output or journal. */
final class Logging {
    private Logging() {
    }

    /** Operators who set java.util.logging.SimpleFormatter.format get SimpleFormatter with their pattern. */
    static void configure() {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler handler = new ConsoleHandler();
        handler.setFormatter(System.getProperty("java.util.logging.SimpleFormatter.format") == null
                ? new LineFormatter(ZoneId.systemDefault()) : new SimpleFormatter());
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        setLevel(Level.WARNING);
    }

    /** Worker and demo raise this to INFO; client commands keep the console for the job's output. */
    static void setLevel(Level level) {
        Logger.getLogger("").setLevel(level);
    }
}
