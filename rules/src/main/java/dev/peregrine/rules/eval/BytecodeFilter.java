package dev.peregrine.rules.eval;

import dev.peregrine.rules.condition.Ast;
import dev.peregrine.rules.event.Event;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles a condition's and/or/not structure into the bytecode of a hidden class, one per
 * rule, whose leaves are the compiled checks held in {@code static final} fields. Each rule
 * thus gets its own call sites (no megamorphic dispatch shared by all rules), and the JIT sees
 * every check as a constant it can inline, together with the extractors and values the check
 * captured (final fields of hidden classes are trusted constants).
 */
final class BytecodeFilter {
    private static final ClassDesc CD_FILTER = ClassDesc.of(Filter.class.getName());
    private static final ClassDesc CD_EVENT = ClassDesc.of(Event.class.getName());
    private static final ClassDesc CD_LIST = ClassDesc.of(List.class.getName());
    private static final ClassDesc CD_LOOKUP = ClassDesc.of(MethodHandles.Lookup.class.getName());
    private static final ClassDesc CD_METHOD_HANDLES = ClassDesc.of(MethodHandles.class.getName());
    private static final MethodTypeDesc TEST = MethodTypeDesc.of(ConstantDescs.CD_boolean, CD_EVENT);
    private static final ClassDesc GENERATED = ClassDesc.of(BytecodeFilter.class.getPackageName() + ".CompiledCondition");

    private BytecodeFilter() {
    }

    static Filter generate(Ast ast) throws ReflectiveOperationException {
        List<Filter> leaves = new ArrayList<>();
        collect(ast, leaves);
        byte[] bytes = ClassFile.of().build(GENERATED, cb -> {
            cb.withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL | ClassFile.ACC_SYNTHETIC);
            cb.withInterfaceSymbols(CD_FILTER);
            for (int i = 0; i < leaves.size(); i++) {
                cb.withField("c" + i, CD_FILTER, ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC | ClassFile.ACC_FINAL);
            }
            cb.withMethodBody(ConstantDescs.CLASS_INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_STATIC, code -> {
                code.invokestatic(CD_METHOD_HANDLES, "lookup", MethodTypeDesc.of(CD_LOOKUP));
                code.ldc(ConstantDescs.DEFAULT_NAME);
                code.ldc(CD_LIST);
                code.invokestatic(CD_METHOD_HANDLES, "classData",
                        MethodTypeDesc.of(ConstantDescs.CD_Object, CD_LOOKUP, ConstantDescs.CD_String, ConstantDescs.CD_Class));
                code.checkcast(CD_LIST);
                for (int i = 0; i < leaves.size(); i++) {
                    code.dup();
                    code.loadConstant(i);
                    code.invokeinterface(CD_LIST, "get", MethodTypeDesc.of(ConstantDescs.CD_Object, ConstantDescs.CD_int));
                    code.checkcast(CD_FILTER);
                    code.putstatic(GENERATED, "c" + i, CD_FILTER);
                }
                code.pop();
                code.return_();
            });
            cb.withMethodBody(ConstantDescs.INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_PUBLIC, code -> {
                code.aload(0);
                code.invokespecial(ConstantDescs.CD_Object, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void);
                code.return_();
            });
            cb.withMethodBody("test", TEST, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL, code -> {
                Label yes = code.newLabel();
                Label no = code.newLabel();
                emit(code, ast, yes, no, new int[1]);
                code.labelBinding(yes);
                code.iconst_1();
                code.ireturn();
                code.labelBinding(no);
                code.iconst_0();
                code.ireturn();
            });
        });
        MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClassWithClassData(bytes, List.copyOf(leaves), true);
        try {
            return (Filter) lookup.findConstructor(lookup.lookupClass(), MethodType.methodType(void.class)).invoke();
        } catch (ReflectiveOperationException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new ReflectiveOperationException(t);
        }
    }

    /** Leaves in the order {@link #emit} visits them. */
    private static void collect(Ast ast, List<Filter> leaves) {
        switch (ast) {
            case Ast.And a -> a.children().forEach(c -> collect(c, leaves));
            case Ast.Or o -> o.children().forEach(c -> collect(c, leaves));
            case Ast.Not n -> collect(n.child(), leaves);
            default -> leaves.add(Compiler.compile(ast));
        }
    }

    /** Short-circuit code: jumps to {@code yes} when the node holds, to {@code no} otherwise. */
    private static void emit(CodeBuilder code, Ast ast, Label yes, Label no, int[] leaf) {
        switch (ast) {
            case Ast.And a -> {
                List<Ast> cs = a.children();
                for (int i = 0; i < cs.size() - 1; i++) {
                    Label next = code.newLabel();
                    emit(code, cs.get(i), next, no, leaf);
                    code.labelBinding(next);
                }
                emit(code, cs.getLast(), yes, no, leaf);
            }
            case Ast.Or o -> {
                List<Ast> cs = o.children();
                for (int i = 0; i < cs.size() - 1; i++) {
                    Label next = code.newLabel();
                    emit(code, cs.get(i), yes, next, leaf);
                    code.labelBinding(next);
                }
                emit(code, cs.getLast(), yes, no, leaf);
            }
            case Ast.Not n -> emit(code, n.child(), no, yes, leaf);
            default -> {
                code.getstatic(GENERATED, "c" + leaf[0]++, CD_FILTER);
                code.aload(1);
                code.invokeinterface(CD_FILTER, "test", TEST);
                code.ifeq(no);
                code.goto_(yes);
            }
        }
    }
}
