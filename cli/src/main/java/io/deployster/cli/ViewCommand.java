package io.deployster.cli;

import io.deployster.ops.OpsJson;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What the read-only view commands (projects, queues, workers, jobs, history, project) share: the Redis
 * options, one short-lived pool, and printing what was read either as JSON ({@code --json}, through
 * {@link OpsJson}) or as text for people. Each command declares its own {@code --json} option, since
 * its help text says what shape the JSON has.
 */
abstract class ViewCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RedisOption redis;

    /**
     * Reads a view with {@code read} over a pool of two connections (closed before returning), then
     * prints it to the command's output: as one line of JSON when {@code json}, else with {@code text}.
     *
     * @return {@link ExitCodes#SUCCEEDED}; Redis errors propagate to {@code Main}
     */
    <T> int show(boolean json, BiFunction<Redis, Keys, T> read, BiConsumer<T, PrintWriter> text) {
        try (Redis pool = redis.connect(2)) {
            T view = read.apply(pool, Keys.defaults());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(OpsJson.toJson(view));
            } else {
                text.accept(view, out);
            }
            out.flush();
            return ExitCodes.SUCCEEDED;
        }
    }
}
