package io.deployster.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** What the commands about one job (status, cancel, logs) share: the Redis options and the job id argument. */
abstract class JobCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RedisOption redis;
    @Parameters(paramLabel = "ID", description = "Job id, as printed by submit.")
    String id;
}
