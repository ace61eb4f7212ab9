/**
 * testdrv, the driver the integration tests stop, update and uninstall under load. Private: the
 * tests steer it only through the test kit's hooks.
 */
package org.drivermodel.driver.test;
