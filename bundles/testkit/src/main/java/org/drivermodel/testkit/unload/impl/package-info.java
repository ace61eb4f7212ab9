/**
 * The unload proof's parts: the attribute and block load, the scan of threads for a bundle's
 * code, and the class-loader collection. Private to the test kit.
 */
package org.drivermodel.testkit.unload.impl;
