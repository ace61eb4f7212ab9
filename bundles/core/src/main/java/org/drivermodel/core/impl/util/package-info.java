/**
 * Data structures the core's packages share, with no concept of the driver model in them.
 * Private to the core bundle.
 */
package org.drivermodel.core.impl.util;
