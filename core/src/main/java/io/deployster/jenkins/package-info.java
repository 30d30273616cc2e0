/**
 * Everything the Jenkins {@code deployster} step decides, as plain Java, by concern: {@code plan}
 * (parameters → a checked deploy), {@code form} (the Snippet Generator's text areas), {@code follow}
 * (queue mode: submit, follow, cancel, lock mirror), {@code agent} (agent mode's ansible-playbook),
 * {@code credentials} (credential ids → secrets, signer, Redis address). This package holds what both
 * modes share: the console lines, the step's result and how it ends. The plugin (jenkins-plugin/)
 * only binds these to Jenkins APIs, so all of it is tested here, in the default build.
 */
package io.deployster.jenkins;
