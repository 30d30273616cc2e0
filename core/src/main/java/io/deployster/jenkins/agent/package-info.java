/** Agent mode: the ansible-playbook command, its credential files and environment, and how its exit ends the step. */
package io.deployster.jenkins.agent;
