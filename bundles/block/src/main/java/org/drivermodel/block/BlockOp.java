package org.drivermodel.block;

/** What a block request asks. */
public enum BlockOp {
    /** Read {@code length} bytes at {@code offset} into the request's buffer. */
    READ,
    /** Write the request's buffer at {@code offset}. */
    WRITE,
    /** Make every write completed before it durable; no data. */
    FLUSH
}
