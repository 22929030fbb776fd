/** Version of the hub wire protocol; only the wire protocol is versioned, not internal interfaces. */
export const PROTOCOL_VERSION = 1;
