package org.drivermodel.core.impl.sysfs;

import java.util.TreeMap;

/** A directory (kernfs {@code KERNFS_DIR}): children sorted by name. */
final class DirNode extends Node {

    final TreeMap<String, Node> children = new TreeMap<>(); /* guarded by tree lock */

    DirNode(String name, DirNode parent) {
        super(name, parent);
    }
}
