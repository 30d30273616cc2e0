/**
 * Everything the Jenkins {@code deployster} step decides, as plain Java: parameter checks, defaults,
 * job building, console lines, results, cancel, lock mirroring, agent-mode ansible argv and secret
 * masking. The plugin (jenkins-plugin/) only binds these to Jenkins APIs, so all of this is tested
 * here, in the default build, against a real Redis.
 */
package io.deployster.jenkins;
