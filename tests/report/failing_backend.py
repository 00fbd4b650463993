"""A backend whose simulator always raises, with markup in its message: failed jobs for the dashboard tests."""

from qbench.backends.base import Backend, Capabilities
from qbench import hookimpl

MESSAGE = "simulator exploded </script><script>window.__pwned3=1</script><!-- <img src=x onerror=window.__pwned4=1>"


class FailingBackend(Backend):
    name = "failing"
    framework = "failing"
    capabilities = Capabilities(modes=("exact",), gradient_methods=("parameter-shift",))

    def _states(self, circuit, angles, weights):
        raise RuntimeError(MESSAGE)


@hookimpl
def qbench_register_backends(register):
    register("failing", FailingBackend, framework="failing")
