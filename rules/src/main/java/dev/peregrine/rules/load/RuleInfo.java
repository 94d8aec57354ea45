package dev.peregrine.rules.load;

import dev.peregrine.rules.Priority;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** A collected {@code rule:} item, after appends, overrides and redefinitions. */
public final class RuleInfo {
    public final String name;
    public String condition;
    public Pos conditionPos;
    public String output;
    public Pos outputPos;
    public String desc;
    public Priority priority;
    public String source = "syscall";
    /** Sorted, as Falco keeps them (a std::set), so alerts list them in the same order. */
    public Set<String> tags = new java.util.TreeSet<>();
    public List<ExceptionInfo> exceptions = new ArrayList<>();
    public boolean enabled = true;
    public boolean warnEvttypes = true;
    public boolean skipIfUnknownFilter;
    public boolean capture;
    public long captureDuration;
    public boolean unknownSource;
    public Pos pos;
    public int index;

    RuleInfo(String name, Pos pos) {
        this.name = name;
        this.pos = pos;
    }
}
