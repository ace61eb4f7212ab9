/** The linux bus's implementation: private. */
package org.drivermodel.linux.impl;
