package io.deployster.testing;

import java.io.File;
import org.junit.jupiter.api.Assumptions;

/** Tests that need an external tool fail loudly when it is missing, unless skipping was asked for. */
public final class Tools {
    private Tools() {
    }

    public static void require(String program, String install) {
        for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
            if (new File(dir, program).canExecute()) {
                return;
            }
        }
        String message = program + " is not installed; install it (" + install + ") or run .ci/run, which does";
        if ("1".equals(System.getenv("DEPLOYSTER_ALLOW_SKIP"))) {
            Assumptions.abort(message);
        }
        throw new AssertionError(message);
    }
}
