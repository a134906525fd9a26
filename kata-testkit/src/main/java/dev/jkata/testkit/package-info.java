/**
 * The JUnit 5 extension: {@link dev.jkata.testkit.KataTest} on a test class, {@link dev.jkata.testkit.KataSandbox}
 * on its {@code Sandbox} fields and parameters.
 *
 * <p>Responsible for starting the sandboxes a test declares, injecting them, and closing them through JUnit's
 * {@code ExtensionContext.Store} when their scope ends, whether the tests passed, failed or the class aborted:
 * a static field lives for the class, an instance field for one test (for the class under
 * {@code @TestInstance(PER_CLASS)}), a parameter for the method it is passed to. A sandbox that cannot start
 * fails the test with the reason; nothing here skips a test. The fakes for tests that need no VM are in
 * {@link dev.jkata.testkit.fake}.
 */
package dev.jkata.testkit;
