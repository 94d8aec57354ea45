package dev.peregrine.rules.field;

/** Value types of fields, named as libs names them (PT_*), which decide operators and parsing of values. */
public enum FieldType {
    CHARBUF, INT64, UINT64, UINT32, BOOL, IPADDR, IPNET, PORT, RELTIME, ABSTIME, BYTEBUF, MODE, FLAGS, ERRNO, DYNAMIC;

    public boolean isNumeric() {
        return switch (this) {
            case INT64, UINT64, UINT32, PORT, RELTIME, ABSTIME, ERRNO -> true;
            default -> false;
        };
    }
}
