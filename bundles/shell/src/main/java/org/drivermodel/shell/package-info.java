/**
 * How the project's commands describe themselves to a console other than Gogo's.
 *
 * <p>Each command object is a service with the properties of {@link org.drivermodel.shell.CommandService}
 * (not Gogo's {@code osgi.command.*}): the shell publishes them to Gogo itself, except in Apache Karaf,
 * where {@code org.drivermodel.shell.karaf} turns each one into a command of Karaf's console with
 * completion and {@code --help}. A parameter that names an object of the model carries
 * {@link org.drivermodel.shell.Completes}, so a console can offer the names that exist.
 */
@Export
@Version("1.0.0")
package org.drivermodel.shell;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
