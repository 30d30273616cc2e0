package io.deployster.jenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.deployster.jenkins.plan.InvalidStepException;
import io.deployster.job.Problem;
import io.deployster.secret.Masker;
import java.util.List;
import org.junit.jupiter.api.Test;

class TerminationTest {
    @Test
    void theExceptionsTypeDecidesTheMessageNotItsText() {
        // a message that looks like a user problem but comes from an unexpected exception keeps the prefix
        assertEquals("deployster: could not submit: deployster: no such thing",
                Termination.fromException(new IllegalStateException("deployster: no such thing"), "submit").message());
        assertEquals("deployster: signing key 'k' is empty",
                Termination.fromException(new StepProblem("deployster: signing key 'k' is empty"), "submit").message());
        InvalidStepException invalid = new InvalidStepException(List.of(new Problem("project", "a b", "letters")));
        assertEquals(invalid.getMessage(), Termination.fromException(invalid, "submit").message());
        assertEquals(Termination.Kind.FAILURE, Termination.fromException(new RuntimeException(), "submit").kind());
    }

    @Test
    void aMaskedEndHidesSecretsInItsMessage() {
        Termination end = Termination.fromException(new IllegalStateException("AUTH failed for s3cr3t-pass"), "submit");
        assertEquals("deployster: could not submit: AUTH failed for ****",
                end.masked(Masker.ignoringShorterThan(3, List.of("s3cr3t-pass"))).message());
    }
}
