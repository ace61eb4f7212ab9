package org.drivermodel.core.impl.sysfs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The entries of a link directory ({@link AttributeTree#createLinkDirectory}): the directories it
 * links to, each under its own name. A link here is its target's membership, marked by the
 * target's {@link DirNode#linkedFrom}, not a node: {@code /bus/<bus>/devices/<dev>} was a
 * {@link LinkNode} of 48 bytes, one more object for every young collection to copy (issue #19).
 *
 * <p>Most targets are children of one directory, the one this link directory <b>mirrors</b> (a
 * bus's devices without a parent device are in {@code /devices/<bus>}): those are found by their
 * name among that directory's children, so linking one costs its mark alone, with no table of
 * its own to grow or walk. The others (a device under a parent device) are kept in this table,
 * chained through their {@link DirNode#linkNext}. A name is never in both: a link is refused
 * (EEXIST) where either has it.
 *
 * <p>Concurrency: guarded by the tree lock, as the link directory's entries.
 */
final class LinkTable extends NameTable<DirNode> {

    private static final Comparator<DirNode> BY_NAME = Comparator.comparing(n -> n.name);

    private final DirNode directory; // the link directory this table is of
    private final DirNode mirrored;  // the directory whose linked children are its targets too, or null

    LinkTable(DirNode directory, DirNode mirrored) {
        super(DirNode[].class);
        this.directory = directory;
        this.mirrored = mirrored;
    }

    @Override
    protected DirNode next(DirNode n) {
        return n.linkNext;
    }

    @Override
    protected void next(DirNode n, DirNode next) {
        n.linkNext = next;
    }

    /** @return the target linked under that name, or null */
    DirNode target(String name) {
        DirNode t = get(name);
        if (t == null && mirrored != null && mirrored.child(name) instanceof DirNode d && d.linkedFrom() == directory) {
            t = d;
        }
        return t;
    }

    /**
     * Links {@code target} under its name, unless the name is taken here.
     *
     * @return true if it was linked. Context: tree lock held (write); the target linked from none
     */
    boolean link(DirNode target) {
        if (target.parent == mirrored) {
            return get(target.name) == null; // its name is unique among its siblings: a mark will do
        }
        return target(target.name) == null && insert(target, false) == null;
    }

    /** Forgets a target being detached. Context: tree lock held (write); it was linked here */
    void unlink(DirNode target) {
        if (target.parent != mirrored) {
            remove(target);
        }
    }

    /** @return every target, sorted by name: a snapshot. Context: tree lock held */
    DirNode[] targets() {
        if (mirrored == null) {
            return sorted();
        }
        List<DirNode> all = new ArrayList<>(Arrays.asList(sorted()));
        mirrored.forEachChild(n -> {
            if (n instanceof DirNode d && d.linkedFrom() == directory) {
                all.add(d);
            }
        });
        DirNode[] targets = all.toArray(DirNode[]::new);
        Arrays.sort(targets, BY_NAME);
        return targets;
    }
}
