package dev.peregrine.rules.load;

import java.util.ArrayList;
import java.util.List;

/** A collected {@code list:} item, after appends and redefinitions. */
public final class ListInfo {
    public final String name;
    public List<String> items;
    public Pos pos;
    /** Definition order; a redefinition keeps the first one's. */
    public int index;
    /** Order of the last definition or append: what this list may see of earlier lists. */
    public int visibility;

    ListInfo(String name, List<String> items, Pos pos) {
        this.name = name;
        this.items = new ArrayList<>(items);
        this.pos = pos;
    }
}
