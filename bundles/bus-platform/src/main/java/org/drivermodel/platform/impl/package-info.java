/** The platform bus's implementation: private. */
package org.drivermodel.platform.impl;
