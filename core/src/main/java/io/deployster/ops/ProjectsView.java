package io.deployster.ops;

import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;

/** Lock holder, fencing token and waiting jobs of each project. */
public final class ProjectsView {
    /** Waiting ids read per project; the count is always exact. */
    static final int MAX_WAITING = 1000;

    private final Redis redis;
    private final Keys keys;

    public ProjectsView(Redis redis, Keys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** Every project that ever got its lock (it has a fencing counter) or has jobs waiting, by name. */
    public List<ProjectInfo> list() {
        TreeSet<String> names = new TreeSet<>(Scans.names(redis, keys.fencePattern(), "string"));
        names.addAll(redis.members(keys.waitingProjects()));
        return read(new ArrayList<>(names));
    }

    /** One project; a project nobody deployed yet shows as free with nothing waiting. */
    public ProjectInfo get(String project) {
        Names.check("project", project);
        return read(List.of(project)).get(0);
    }

    private List<ProjectInfo> read(List<String> names) {
        return redis.batch(b -> {
            List<Supplier<String>> holder = new ArrayList<>();
            List<Supplier<Long>> ttl = new ArrayList<>();
            List<Supplier<String>> fence = new ArrayList<>();
            List<Supplier<List<String>>> waiting = new ArrayList<>();
            List<Supplier<Long>> count = new ArrayList<>();
            for (String n : names) {
                holder.add(b.get(keys.lock(n)));
                ttl.add(b.pttl(keys.lock(n)));
                fence.add(b.get(keys.fence(n)));
                waiting.add(b.lrange(keys.waiters(n), 0, MAX_WAITING - 1));
                count.add(b.llen(keys.waiters(n)));
            }
            return () -> {
                List<ProjectInfo> projects = new ArrayList<>();
                for (int i = 0; i < names.size(); i++) {
                    String h = holder.get(i).get();
                    long left = ttl.get(i).get();
                    String f = fence.get(i).get();
                    projects.add(new ProjectInfo(names.get(i), h, h == null || left < 0 ? null : left, f == null ? 0 : Long.parseLong(f),
                            waiting.get(i).get(), count.get(i).get()));
                }
                return projects;
            };
        });
    }
}
