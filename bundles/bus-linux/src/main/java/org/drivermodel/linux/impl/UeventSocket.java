package org.drivermodel.linux.impl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;

/**
 * The kernel's uevent socket ({@code NETLINK_KOBJECT_UEVENT}, multicast group 1: the kernel's
 * own messages, not udev's), through libc by JNA, with an {@code eventfd} beside it so that
 * {@link #wakeup()} ends a blocked {@link #receive} at once: a thread blocked in {@code recv}
 * cannot be interrupted from Java.
 *
 * <p>Concurrency: {@link #receive} and {@link #close} are for one thread, the reader, which
 * owns the descriptors and closes them; {@link #wakeup} may be called from any thread, at any
 * time, also after the close (it then does nothing); both hold this object's monitor, which
 * guards the descriptors' closing.
 */
final class UeventSocket implements AutoCloseable {

    /** Thrown by {@link #receive} when the kernel dropped messages (ENOBUFS): resynchronise from sysfs. */
    static final class Overflow extends IOException {
        private static final long serialVersionUID = 1L;

        Overflow() {
            super("ENOBUFS: the kernel's uevent queue overflowed, messages were lost");
        }
    }

    /** The part of libc used here. */
    interface LibC extends Library {
        int socket(int domain, int type, int protocol) throws LastErrorException;

        int bind(int fd, byte[] address, int length) throws LastErrorException;

        int setsockopt(int fd, int level, int name, int[] value, int length) throws LastErrorException;

        NativeLong recv(int fd, byte[] buffer, NativeLong length, int flags) throws LastErrorException;

        int poll(byte[] fds, NativeLong count, int timeoutMillis) throws LastErrorException;

        int eventfd(int initial, int flags) throws LastErrorException;

        NativeLong write(int fd, byte[] buffer, NativeLong count) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final int AF_NETLINK = 16;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_KOBJECT_UEVENT = 15;
    private static final int KERNEL_GROUP = 1;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVBUF = 8;
    private static final int SO_RCVBUFFORCE = 33;
    private static final int RECEIVE_BUFFER = 8 << 20;
    private static final short POLLIN = 1;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int EFD_CLOEXEC = 0x80000;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int ENOBUFS = 105;

    private final LibC libc;
    private final int socket;
    private final int wakeup;
    private volatile boolean closed;
    private boolean descriptorsClosed; /* guarded by this: no write to a descriptor number the reader closed (and the system may reuse) */

    private UeventSocket(LibC libc, int socket, int wakeup) {
        this.libc = libc;
        this.socket = socket;
        this.wakeup = wakeup;
    }

    /**
     * @return the socket, bound to the kernel's uevent group
     * @throws IOException naming the call that failed and its errno, e.g.
     *         {@code socket(AF_NETLINK, NETLINK_KOBJECT_UEVENT): errno 97}, or why libc could not
     *         be reached (not Linux, no JNA native part for this platform)
     */
    static UeventSocket open() throws IOException {
        if (!Platform.isLinux()) {
            throw new IOException("not Linux (" + System.getProperty("os.name") + "): no kernel uevent socket");
        }
        LibC libc;
        try {
            libc = Native.load(Platform.C_LIBRARY_NAME, LibC.class);
        } catch (LinkageError | RuntimeException e) {
            throw new IOException("libc through JNA: " + e, e);
        }
        int fd;
        try {
            fd = libc.socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
        } catch (LastErrorException e) {
            throw new IOException("socket(AF_NETLINK, NETLINK_KOBJECT_UEVENT): " + Errnos.name(e.getErrorCode()), e);
        }
        try {
            receiveBuffer(libc, fd);
            ByteBuffer address = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
            address.putShort((short) AF_NETLINK).putShort((short) 0).putInt(0).putInt(KERNEL_GROUP);
            libc.bind(fd, address.array(), 12);
            int efd = libc.eventfd(0, EFD_CLOEXEC);
            return new UeventSocket(libc, fd, efd);
        } catch (LastErrorException e) {
            libc.close(fd);
            throw new IOException("bind(NETLINK_KOBJECT_UEVENT, group 1) or eventfd: " + Errnos.name(e.getErrorCode()), e);
        }
    }

    /** As udev: a large receive buffer (forced, as root may), so that a burst of events does not overflow it. */
    private static void receiveBuffer(LibC libc, int fd) {
        try {
            libc.setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, new int[] {RECEIVE_BUFFER}, 4);
        } catch (LastErrorException notPermitted) {
            try {
                libc.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, new int[] {RECEIVE_BUFFER}, 4);
            } catch (LastErrorException keepTheDefault) {
                // the default buffer: an overflow is resynchronised from sysfs
            }
        }
    }

    /**
     * Waits for the next message.
     *
     * @param buffer where to put it
     * @return its length, or -1 once {@link #wakeup()} was called
     * @throws Overflow when the kernel dropped messages
     * @throws IOException when the socket fails otherwise
     */
    int receive(byte[] buffer) throws IOException {
        while (!closed) {
            ByteBuffer fds = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
            fds.putInt(socket).putShort(POLLIN).putShort((short) 0).putInt(wakeup).putShort(POLLIN).putShort((short) 0);
            byte[] polled = fds.array();
            try {
                libc.poll(polled, new NativeLong(2), -1);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EINTR) {
                    continue;
                }
                throw new IOException("poll: " + Errnos.name(e.getErrorCode()), e);
            }
            ByteBuffer result = ByteBuffer.wrap(polled).order(ByteOrder.nativeOrder());
            if (closed || result.getShort(14) != 0) {
                return -1;
            }
            if (result.getShort(6) == 0) {
                continue;
            }
            try {
                return libc.recv(socket, buffer, new NativeLong(buffer.length), MSG_DONTWAIT).intValue();
            } catch (LastErrorException e) {
                switch (e.getErrorCode()) {
                case EINTR, EAGAIN -> {
                    continue;
                }
                case ENOBUFS -> throw new Overflow();
                default -> throw new IOException("recv: " + Errnos.name(e.getErrorCode()), e);
                }
            }
        }
        return -1;
    }

    /** Ends a {@link #receive} in progress, and every later one. */
    synchronized void wakeup() {
        closed = true;
        if (descriptorsClosed) {
            return;
        }
        try {
            byte[] one = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(1).array();
            libc.write(wakeup, one, new NativeLong(8));
        } catch (LastErrorException alreadyClosed) {
            // cannot happen while the descriptor is open; nothing waits then anyway
        }
    }

    /** Closes both descriptors; for the reader thread, when it is done receiving. */
    @Override
    public synchronized void close() {
        closed = true;
        if (descriptorsClosed) {
            return;
        }
        descriptorsClosed = true;
        try {
            libc.close(socket);
        } finally {
            libc.close(wakeup);
        }
    }
}
