/** Test doubles of the agent's seams (runtime, mounter, guest OS) and a harness that serves the real gRPC services over them in process. */
package dev.jkata.guest.fakes;
