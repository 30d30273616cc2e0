/**
 * Jenkins credentials as the core uses them, named by id and resolved by the plugin: step secrets,
 * the job signing key and the Redis password. No value is ever part of a message.
 */
package io.deployster.jenkins.credentials;
