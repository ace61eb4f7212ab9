package org.drivermodel.testkit.unload.impl;

/**
 * An attribute file the load reads, and writes back where the owner accepted its own value.
 *
 * @param path     the file's path in the attribute tree
 * @param writable whether writing the value read back was accepted before the load
 */
public record AttributeTarget(String path, boolean writable) {
}
