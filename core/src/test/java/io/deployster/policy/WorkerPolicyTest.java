package io.deployster.policy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.deployster.job.JobSpec;
import io.deployster.sign.RejectedJobException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerPolicyTest {
    @TempDir
    Path dir;
    Path apps;
    WorkerPolicy policy;

    @BeforeEach
    void policy() throws Exception {
        apps = Files.createDirectories(dir.resolve("apps/shop"));
        Files.createDirectories(dir.resolve("deploy"));
        Files.writeString(dir.resolve("deploy/site.yml"), "- hosts: all\n");
        Files.createDirectories(dir.resolve("etc"));
        Files.createSymbolicLink(apps.resolve("escape"), dir.resolve("etc"));
        policy = WorkerPolicy.of(Map.of(
                "projects", "shop, blog",
                "cd.*", dir.resolve("apps").toString(),
                "playbooks.*", dir.resolve("deploy").toString(),
                "last-command.shop", "^supervisorctl (start|restart) [A-Za-z0-9_.:-]+$",
                "env.*", "NODE_ENV, APP_*"));
    }

    private String reason(JobSpec spec) {
        return assertThrows(RejectedJobException.class, () -> policy.check(spec)).getMessage().replace(dir.toString(), "$D");
    }

    @Test
    void allowsWhatTheOperatorListed() {
        assertDoesNotThrow(() -> policy.check(JobSpec.commands("shop", apps.toString(), List.of("yarn build", "supervisorctl restart shop--main"))
                .env(Map.of("NODE_ENV", "production", "APP_COLOR", "blue")).build()));
        assertDoesNotThrow(() -> policy.check(JobSpec.ansible("blog", "site.yml").cwd(dir.resolve("deploy").toString()).build()));
    }

    @Test
    void refusesEachRuleWithTheRuleItBroke() {
        assertEquals("outside this worker's policy (policy): project 'wiki' is not served here (projects = shop, blog)",
                reason(JobSpec.commands("wiki", apps.toString(), List.of("true")).build()));
        assertEquals("outside this worker's policy (policy): the directory '$D/apps/shop/../../etc' (resolved: $D/etc) is outside cd = $D/apps",
                reason(JobSpec.commands("blog", apps + "/../../etc", List.of("true")).build()));
        assertEquals("outside this worker's policy (policy): the directory '$D/apps/shop/escape' (resolved: $D/etc) is outside cd = $D/apps",
                reason(JobSpec.commands("blog", apps.resolve("escape").toString(), List.of("true")).build()));
        assertEquals("outside this worker's policy (policy): the last command 'yarn build' does not match last-command.shop = "
                + "^supervisorctl (start|restart) [A-Za-z0-9_.:-]+$", reason(JobSpec.commands("shop", apps.toString(), List.of("yarn build")).build()));
        assertEquals("outside this worker's policy (policy): variable 'AWS_SECRET' is not allowed (env.* = NODE_ENV, APP_*)",
                reason(JobSpec.commands("blog", apps.toString(), List.of("true")).env(Map.of("AWS_SECRET", "x")).build()));
        assertEquals("outside this worker's policy (policy): the playbook '$D/deploy/../etc/site.yml' does not exist on this host",
                reason(JobSpec.ansible("blog", "../etc/site.yml").cwd(dir.resolve("deploy").toString()).build()));
        assertEquals("outside this worker's policy (policy): the inventory 'attacker.example.org,' is a list of hosts (it holds a comma), which is not "
                + "an inventory in playbooks.* = $D/deploy; put the hosts in an inventory file there and name that file",
                reason(JobSpec.ansible("blog", "site.yml").cwd(dir.resolve("deploy").toString()).inventory("attacker.example.org,").build()));
    }

    @Test
    void ansibleVariablesInExtraVarsAreRefusedUnlessListed() {
        String deploy = dir.resolve("deploy").toString();
        assertEquals("outside this worker's policy (policy): extra var 'ansible_python_interpreter' is not allowed: ansible_* variables set how "
                + "Ansible connects and runs, and can run commands on this host (an interpreter, a shell, ssh arguments); allow it by name with "
                + "extra-vars.blog = ansible_python_interpreter",
                reason(JobSpec.ansible("blog", "site.yml").cwd(deploy).extraVars(Map.of("release", "v1", "ansible_python_interpreter", "touch x; python3")).build()));
        assertEquals("outside this worker's policy (policy): extra var 'ansible_ssh_common_args' is not allowed: ansible_* variables set how "
                + "Ansible connects and runs, and can run commands on this host (an interpreter, a shell, ssh arguments); allow it by name with "
                + "extra-vars.blog = ansible_ssh_common_args",
                reason(JobSpec.ansible("blog", "site.yml").cwd(deploy).secretExtraVars(Map.of("ansible_ssh_common_args", "v1:k:x")).build()));
        assertDoesNotThrow(() -> policy.check(JobSpec.ansible("blog", "site.yml").cwd(deploy).extraVars(Map.of("release", "v1")).build()));

        WorkerPolicy listing = WorkerPolicy.of(Map.of("playbooks.*", deploy, "extra-vars.shop", "release, ansible_become"));
        assertDoesNotThrow(() -> listing.check(JobSpec.ansible("shop", "site.yml").cwd(deploy)
                .extraVars(Map.of("release", "v1", "ansible_become", true)).build()));
        assertEquals("outside this worker's policy (policy): extra var 'color' is not allowed (extra-vars.shop = release, ansible_become)",
                assertThrows(RejectedJobException.class, () -> listing.check(JobSpec.ansible("shop", "site.yml").cwd(deploy)
                        .extraVars(Map.of("color", "blue")).build())).getMessage());
    }

    @Test
    void aCommandsRuleWithoutAnEnvRuleAllowsNoVariables() {
        WorkerPolicy commandsOnly = WorkerPolicy.of(Map.of("cd.*", apps.toString(), "commands.shop", "^yarn build$"));
        assertEquals("outside this worker's policy (policy): variable 'NODE_OPTIONS' is not allowed: commands.shop limits the commands run here, "
                + "and a variable such as NODE_OPTIONS, PERL5OPT or LD_PRELOAD changes what an allowed command runs; list the names "
                + "project 'shop' may set with env.shop = NODE_OPTIONS",
                assertThrows(RejectedJobException.class, () -> commandsOnly.check(JobSpec.commands("shop", apps.toString(), List.of("yarn build"))
                        .env(Map.of("NODE_OPTIONS", "--import=data:text/javascript,process.exit(3)")).build())).getMessage());
        assertThrows(RejectedJobException.class, () -> commandsOnly.check(JobSpec.commands("shop", apps.toString(), List.of("yarn build"))
                .secretEnv(Map.of("LD_PRELOAD", "v1:k:x")).build()));
        assertDoesNotThrow(() -> commandsOnly.check(JobSpec.commands("shop", apps.toString(), List.of("yarn build")).build()));
        // without a commands rule any command runs anyway, so variables add nothing
        assertDoesNotThrow(() -> commandsOnly.check(JobSpec.commands("blog", apps.toString(), List.of("yarn build"))
                .env(Map.of("NODE_ENV", "production")).build()));
    }

    @Test
    void aPolicyWithAnUnknownKeyOrBadPatternIsRefusedAtStart() {
        assertEquals("unknown key 'cwd.shop' in policy; use projects, cd.P, playbooks.P, commands.P, last-command.P, env.P, extra-vars.P or callbacks.P (P a project or *)",
                assertThrows(IllegalArgumentException.class, () -> WorkerPolicy.of(Map.of("cwd.shop", "/x"))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> WorkerPolicy.of(Map.of("commands.*", "([")));
    }
}
