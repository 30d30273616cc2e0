package io.deployster.cli;

import io.deployster.ops.OpsJson;
import io.deployster.ops.ProjectInfo;
import io.deployster.ops.ProjectsView;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "projects", mixinStandardHelpOptions = true,
        description = "Print every project: the job holding its deploy lock, the fencing token, and its jobs not started yet.")
final class ProjectsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RedisOption redis;
    @Option(names = "--json", description = "A JSON array, for scripts.")
    boolean json;

    @Override
    public Integer call() {
        try (Redis pool = redis.connect(2)) {
            List<ProjectInfo> projects = new ProjectsView(pool, Keys.defaults()).list();
            var out = spec.commandLine().getOut();
            if (json) {
                out.println(OpsJson.toJson(projects));
                out.flush();
                return ExitCodes.SUCCEEDED;
            }
            Table table = new Table("PROJECT", "LOCK HOLDER", "FENCING TOKEN", "WAITING", "NEXT");
            for (ProjectInfo p : projects) {
                table.row(p.name(), p.lockHolder() == null ? "(free)" : p.lockHolder(), p.fencingToken(), p.waitingCount(),
                        p.waiting().isEmpty() ? null : p.waiting().get(0));
            }
            table.print(out);
            return ExitCodes.SUCCEEDED;
        }
    }
}
