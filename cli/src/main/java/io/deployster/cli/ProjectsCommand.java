package io.deployster.cli;

import io.deployster.ops.ProjectInfo;
import io.deployster.ops.ProjectsView;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "projects", mixinStandardHelpOptions = true,
        description = "Print every project: the job holding its deploy lock, the fencing token, and its jobs not started yet.")
final class ProjectsCommand extends ViewCommand {
    @Option(names = "--json", description = "A JSON array, for scripts.")
    boolean json;

    @Override
    public Integer call() {
        return show(json, (pool, keys) -> new ProjectsView(pool, keys).list(), ProjectsCommand::print);
    }

    private static void print(List<ProjectInfo> projects, PrintWriter out) {
        Table table = new Table("PROJECT", "LOCK HOLDER", "FENCING TOKEN", "WAITING", "NEXT");
        for (ProjectInfo p : projects) {
            table.row(p.name(), p.lockHolder() == null ? "(free)" : p.lockHolder(), p.fencingToken(), p.waitingCount(),
                    p.waiting().isEmpty() ? null : p.waiting().get(0));
        }
        table.print(out);
    }
}
