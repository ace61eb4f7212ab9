/**
 * Gogo shell commands: the {@code /sys} view of the driver model, as {@code scr:*} is the
 * view of Declarative Services. Private: commands are found as services by Gogo.
 */
package org.drivermodel.shell.impl;
