"""A mosquitto broker on a Unix socket in a temporary folder, for tests
that reach it through mqdump --proxy (which listens on port 0) or --unix:
no TCP port is picked for it."""
import os
import shutil
import subprocess
import tempfile
import time


class MosquittoOnSocket:
    """Starts mosquitto; `tmp` is the folder, `sock` the socket path."""

    def __init__(self, prefix, timeout):
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        # mosquitto started as root runs as user mosquitto: it must be able
        # to create its socket here.
        os.chmod(self.tmp, 0o1777)
        self.sock = os.path.join(self.tmp, "mosquitto.sock")
        conf = os.path.join(self.tmp, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"listener 0 {self.sock}\nallow_anonymous true\n")
        self.log = open(os.path.join(self.tmp, "mosquitto.log"), "w")
        self.proc = subprocess.Popen(["mosquitto", "-c", conf], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while not os.path.exists(self.sock):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.stop()
                raise AssertionError("mosquitto did not open its socket")
            time.sleep(0.02)  # polls for the socket file; nothing else tells when mosquitto made it

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)
