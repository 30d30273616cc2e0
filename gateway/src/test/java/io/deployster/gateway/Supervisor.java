package io.deployster.gateway;

import io.deployster.testing.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real supervisord with one program, {@code shop--main}, not started until a deploy restarts it. */
final class Supervisor implements AutoCloseable {
    final Path config;
    private final Process process;

    Supervisor(Path dir) throws IOException {
        Path sv = Files.createDirectories(dir.resolve("sv"));
        config = sv.resolve("supervisord.conf");
        Files.writeString(config, """
                [unix_http_server]
                file=%1$s/s.sock
                chmod=0700

                [supervisord]
                nodaemon=true
                pidfile=%1$s/supervisord.pid
                logfile=%1$s/supervisord.log
                childlogdir=%1$s

                [rpcinterface:supervisor]
                supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

                [supervisorctl]
                serverurl=unix://%1$s/s.sock

                [program:shop--main]
                command=sleep 100000
                autostart=false
                startsecs=0
                stopasgroup=true
                killasgroup=true
                """.formatted(sv));
        process = new ProcessBuilder("supervisord", "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(sv.resolve("supervisord.out").toFile()).start();
        Await.until("supervisord answers", Duration.ofSeconds(20), () -> ctl("pid").trim().matches("\\d+"));
    }

    /** supervisorctl's output, or "" when it failed. */
    String ctl(String... args) {
        try {
            List<String> argv = new ArrayList<>(List.of("supervisorctl", "-c", config.toString()));
            argv.addAll(List.of(args));
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(30, TimeUnit.SECONDS) ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    @Override
    public void close() throws InterruptedException {
        ctl("shutdown");
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
