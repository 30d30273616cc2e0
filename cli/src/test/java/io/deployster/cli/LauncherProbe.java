package io.deployster.cli;

import java.lang.management.ManagementFactory;

/** Stands in for the deployster jar in {@link LauncherTest}: prints the JVM options it got, then its arguments. */
public final class LauncherProbe {
    private LauncherProbe() {
    }

    public static void main(String[] args) {
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            System.out.println("option " + option);
        }
        for (String arg : args) {
            System.out.println("arg " + arg);
        }
    }
}
