/**
 * The shell's commands in Apache Karaf's console: completion of the model's names, Karaf's
 * {@code --help}. Private: the commands are found in Karaf's registry.
 */
package org.drivermodel.shell.karaf.impl;
