package org.drivermodel.core.impl.sysfs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.drivermodel.core.impl.sysfs.FileNode.Binding;
import org.drivermodel.lifetime.primitives.Deadline;
import org.drivermodel.lifetime.primitives.DrainReport;

/**
 * One removal of a subtree (kernfs {@code __kernfs_remove} with {@code kernfs_drain} and
 * {@code kernfs_drain_open_files}).
 *
 * <h2>Design</h2>
 *
 * <p>Three phases. <b>Claim</b> ({@link #claim}, under the tree lock held for writing): every
 * node of the subtree, children first, and every link pointing into it, is marked
 * {@link NodeState#REMOVED} and claimed by this removal, so from the moment the lock is released
 * no lookup finds any of them and no handle can be opened on them. A node claimed already by
 * another removal is not taken over: that removal is remembered and waited for. <b>Drain</b>
 * ({@link #run}, no lock held, so callbacks may use the tree, even remove other nodes): the
 * gate of every file is killed at once ({@code kill(0)} shuts all doors before waiting on any),
 * and the handles waiting for a change of a file are woken (they answer ENODEV at once), then
 * each is waited for within what is left of the one deadline; overlapping removals are
 * waited for within it too. Then every still-unreleased handle is released exactly once (see
 * {@link OpenFile}), and each file's binding is cleared, so the tree keeps nothing of the owner.
 * <b>Detach</b> (tree lock for writing): the nodes leave their parents (their names become free
 * again) and their targets' link lists; then the removal is {@linkplain #await done}.
 *
 * <p>A drain past its deadline is not fatal: the removal goes on, and the report names the
 * threads still inside. Interrupts do not abandon a removal; the interrupt status is kept.
 *
 * <p>Concurrency: the node lists are written under the tree lock during the claim and then
 * confined to the removing thread; {@link #done} publishes the end to waiters.
 */
final class Removal {

    private final String asked;                 // what was asked to be removed, by path; null for a removal by handle
    private final Node named;                   // else the node it names, whose path is made only when shown
    final Thread remover = Thread.currentThread();
    private final List<Node> nodes = new ArrayList<>();  /* claim: guarded by tree lock; then confined to remover. Children first. */
    private Set<Removal> others; /* as nodes; null until another removal is met (rare: made only then) */
    private final CountDownLatch done = new CountDownLatch(1);

    /**
     * @param asked what was asked to be removed, by path; null: {@code named}'s path, made when shown
     * @param named the node a removal by handle names
     */
    Removal(String asked, Node named) {
        this.asked = asked;
        this.named = named;
    }

    /** @return what was asked to be removed */
    String path() {
        return asked != null ? asked : named.path();
    }

    /**
     * Claims {@code n}, its subtree and the links into it. Context: tree lock held for writing.
     */
    void claim(Node n) {
        if (n.removal != null) {
            if (n.removal != this) {
                if (others == null) {
                    others = Collections.newSetFromMap(new IdentityHashMap<>());
                }
                others.add(n.removal);
            }
            return;
        }
        n.removal = this;
        if (n instanceof DirNode d) {
            d.forEachChild(this::claim); // claiming changes no directory's children
            d.unshare(); // its shared files vanish with it; those opened are children, claimed above
        }
        n.state = NodeState.REMOVED;
        nodes.add(n);
        for (LinkNode link = n.firstIncoming(); link != null; link = link.nextIncoming) {
            claim(link); // the links stay in the list until the detach
        }
    }

    /**
     * Drains, releases and detaches what {@link #claim} took. Context: the thread that claimed;
     * no tree lock held; must not be inside an unbroken call on any claimed file (checked before
     * the claim). Blocks up to {@code deadline} (plus release hooks).
     */
    RemovalReport run(AttributeTree tree, Duration deadline, long start) {
        long budget = Deadline.nanos(deadline);
        // what goes wrong is rare: the lists are made only then, and the loops are indexed (a
        // device's removal made five lists and their iterators for nothing)
        List<DrainReport> undrained = null;
        List<String> unfinished = null;
        List<RuntimeException> failures = null;
        try {
            // shut every door before waiting on any: the subtree stops answering at once
            List<FileNode> busy = null;
            for (int i = 0; i < nodes.size(); i++) {
                if (!(nodes.get(i) instanceof FileNode f) || !f.everOpened()) {
                    continue; // claimed, it can be opened no more: nobody can ever be inside
                }
                if (!f.gate().kill(Duration.ZERO, f.loader()).drained()) {
                    busy = add(busy, f);
                }
                f.wakeWaiters(); // its gate is dying: a handle waiting for a change gets ENODEV now, not at its timeout
            }
            for (int i = 0; busy != null && i < busy.size(); i++) {
                FileNode f = busy.get(i);
                DrainReport r = f.gate().kill(left(budget, start), f.loader());
                if (!r.drained()) {
                    undrained = add(undrained, r);
                }
            }
            if (others != null) {
                for (Removal o : others) {
                    if (!o.await(left(budget, start))) {
                        unfinished = add(unfinished, o.path());
                    }
                }
            }
            for (int i = 0; i < nodes.size(); i++) {
                if (!(nodes.get(i) instanceof FileNode f)) {
                    continue;
                }
                Binding b = f.everOpened() ? f.binding() : null;
                for (OpenFile h : f.handles()) {
                    RuntimeException e = h.releaseByDrain(b);
                    if (e != null) {
                        failures = add(failures, e);
                    }
                }
                f.clearBinding(); // the tree lets go of the owner and its code
            }
            tree.detach(nodes);
        } finally {
            done.countDown();
        }
        return new RemovalReport(asked, named, true, Duration.ofNanos(System.nanoTime() - start), orNone(undrained),
                orNone(unfinished), orNone(failures));
    }

    private static <T> List<T> add(List<T> list, T item) {
        List<T> l = list != null ? list : new ArrayList<>(2);
        l.add(item);
        return l;
    }

    private static <T> List<T> orNone(List<T> list) {
        return list != null ? list : List.of();
    }

    /**
     * Waits for this removal, on behalf of another caller that asked to remove (part of) the
     * same subtree. Context: no tree lock held.
     */
    RemovalReport join(String requested, Node requestedNode, Duration deadline, long start) {
        boolean finished = remover == Thread.currentThread() || await(deadline); // a release hook removing its own node: do not wait for ourselves
        return new RemovalReport(requested, requestedNode, false, Duration.ofNanos(System.nanoTime() - start),
                List.of(), finished ? List.of() : List.of(path()), List.of());
    }

    /** @return true if the removal finished within the timeout */
    boolean await(Duration timeout) {
        return awaitUninterruptibly(done, timeout);
    }

    /** Waits on a latch up to a timeout, keeping (not acting on) an interrupt. */
    static boolean awaitUninterruptibly(CountDownLatch latch, Duration timeout) {
        long begin = System.nanoTime();
        long total = Deadline.nanos(timeout);
        boolean interrupted = false;
        try {
            for (;;) {
                try {
                    return latch.await(Math.max(0, total - (System.nanoTime() - begin)), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Duration left(long budget, long start) {
        return Duration.ofNanos(Math.max(0, budget - (System.nanoTime() - start)));
    }
}
