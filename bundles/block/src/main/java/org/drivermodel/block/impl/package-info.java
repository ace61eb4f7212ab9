/** The block layer's implementation: private. */
package org.drivermodel.block.impl;
