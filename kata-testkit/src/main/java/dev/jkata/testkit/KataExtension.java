package dev.jkata.testkit;

import dev.jkata.api.Sandbox;
import java.lang.reflect.Field;
import java.lang.reflect.Parameter;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.ModifierSupport;

/**
 * Starts, injects and closes the sandboxes of a {@link KataTest} class (see {@link KataSandbox} for the
 * scopes). Every sandbox goes into the {@link ExtensionContext.Store} of the context it belongs to (the class
 * for static fields, the test for instance fields and parameters), and JUnit closes it when that context ends,
 * after a failure or an aborted class as much as after success.
 *
 * <p>Stateless, so safe under JUnit's parallel execution: each class and each test has its own context and
 * store, and sandboxes are independent of each other. A static field belongs to the class that runs it;
 * don't share one static sandbox field between test classes that run concurrently (through a common
 * superclass), as they would each assign it.
 */
public final class KataExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KataExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        inject(context, testClass, Optional.empty());
        if (lifecycleOf(context, testClass) == TestInstance.Lifecycle.PER_CLASS) {
            inject(context, testClass, Optional.of(context.getRequiredTestInstance()));
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        // All instances: a @Nested test has its enclosing classes' instances too, each with its own fields.
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            if (lifecycleOf(context, instance.getClass()) != TestInstance.Lifecycle.PER_CLASS) {
                inject(context, instance.getClass(), Optional.of(instance));
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Sandbox.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Parameter p = parameter.getParameter();
        String name = p.isNamePresent() ? p.getName() : "#" + parameter.getIndex();
        String owner = "parameter " + name + " of " + parameter.getDeclaringExecutable().getDeclaringClass().getSimpleName()
                + "." + parameter.getDeclaringExecutable().getName() + "()";
        SandboxFactory.Request request = new SandboxFactory.Request(parameter.findAnnotation(KataSandbox.class),
                context.getRequiredTestClass(), context.getTestInstance(), owner);
        return startInto(context, request);
    }

    /** Starts and assigns the static fields ({@code instance} empty) or the instance fields of {@code type}. */
    private static void inject(ExtensionContext context, Class<?> type, Optional<Object> instance) {
        boolean statics = instance.isEmpty();
        List<Field> fields = AnnotationSupport.findAnnotatedFields(type, KataSandbox.class,
                f -> ModifierSupport.isStatic(f) == statics);
        for (Field field : fields) {
            String owner = "field " + field.getDeclaringClass().getSimpleName() + "." + field.getName();
            requireAssignable(field, owner);
            SandboxFactory.Request request = new SandboxFactory.Request(
                    Optional.of(field.getAnnotation(KataSandbox.class)), type, instance, owner);
            Sandbox sandbox = startInto(context, request);
            try {
                field.setAccessible(true);
                field.set(instance.orElse(null), sandbox);
            } catch (IllegalAccessException | RuntimeException e) {
                throw new ExtensionConfigurationException("cannot assign the sandbox to " + owner, e);
            }
        }
    }

    /** Starts the sandbox and hands it to the context's store at once, so nothing can leak it. */
    private static Sandbox startInto(ExtensionContext context, SandboxFactory.Request request) {
        Sandbox sandbox = SandboxFactory.start(request, KvmRequirement.required(context));
        SandboxResource resource = new SandboxResource(sandbox, request.owner());
        context.getStore(NAMESPACE).put(resource, resource);
        return sandbox;
    }

    private static void requireAssignable(Field field, String owner) {
        if (field.getType() != Sandbox.class) {
            throw new ExtensionConfigurationException("@KataSandbox " + owner + " must be of type Sandbox, not "
                    + field.getType().getSimpleName());
        }
        if (ModifierSupport.isFinal(field)) {
            throw new ExtensionConfigurationException("@KataSandbox " + owner + " must not be final: the extension assigns it");
        }
    }

    /** The lifecycle of the class context for {@code type}, found by walking up from {@code context}. */
    private static TestInstance.Lifecycle lifecycleOf(ExtensionContext context, Class<?> type) {
        for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
            if (c.get().getElement().filter(type::equals).isPresent()) {
                return c.get().getTestInstanceLifecycle().orElse(TestInstance.Lifecycle.PER_METHOD);
            }
        }
        return TestInstance.Lifecycle.PER_METHOD;
    }
}
