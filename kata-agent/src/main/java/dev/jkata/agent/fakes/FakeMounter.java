package dev.jkata.agent.fakes;

import dev.jkata.agent.storage.Mounter;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A fake {@link Mounter} that mounts nothing and records every call. */
public final class FakeMounter implements Mounter {
    private final List<String> calls = new CopyOnWriteArrayList<>();

    /** "mount TYPE SOURCE TARGET OPT,OPT" and "unmount TARGET", in order. */
    public List<String> calls() { return Collections.unmodifiableList(calls); }

    @Override
    public void mount(String source, Path target, String fsType, List<String> options) {
        calls.add("mount " + fsType + " " + source + " " + target + " " + String.join(",", options));
    }

    @Override
    public void flushBuffers(Path device) {
        calls.add("flushbufs " + device);
    }

    @Override
    public void unmount(Path target) {
        calls.add("unmount " + target);
    }
}
