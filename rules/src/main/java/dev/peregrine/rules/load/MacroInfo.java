package dev.peregrine.rules.load;

/** A collected {@code macro:} item, after appends and redefinitions. */
public final class MacroInfo {
    public final String name;
    public String condition;
    public Pos pos;
    public Pos conditionPos;
    public int index;
    /** Macros defined before this index are the ones this macro can reference. */
    public int visibility;

    MacroInfo(String name, String condition, Pos pos, Pos conditionPos) {
        this.name = name;
        this.condition = condition;
        this.pos = pos;
        this.conditionPos = conditionPos;
    }
}
