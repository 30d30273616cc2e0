package io.deployster.jenkins.plugin;

import hudson.util.FormValidation;
import io.deployster.jenkins.plan.Checks;

/** Turns the core's field checks into Jenkins form validation. */
final class Forms {
    private Forms() {
    }

    static FormValidation of(Checks.Check check) {
        return switch (check.level()) {
            case OK -> FormValidation.ok();
            case WARNING -> FormValidation.warning(check.message());
            case ERROR -> FormValidation.error(check.message());
        };
    }
}
