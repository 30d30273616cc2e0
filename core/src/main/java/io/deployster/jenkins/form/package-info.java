/**
 * The Snippet Generator form: text areas to and from the step's list and map parameters, and the
 * normalisation of values that come from Groovy.
 */
package io.deployster.jenkins.form;
