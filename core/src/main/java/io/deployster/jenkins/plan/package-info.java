/**
 * The step's parameters (read through {@link io.deployster.jenkins.plan.DeployParameters}, which the
 * plugin's step implements) and the admin's defaults, checked and merged into one
 * {@link io.deployster.jenkins.plan.DeployRequest}; the forms' field checks.
 */
package io.deployster.jenkins.plan;
