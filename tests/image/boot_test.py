#!/usr/bin/env python3
"""Boot test of the terminal image under QEMU (make image-test).

Boots the test variant of the disk image with OVMF and a serial console, and checks, each step within a bounded
time: the kiosk becomes ready and its slot is marked good; a hung kiosk (SIGSTOP) is restarted by systemd's
watchdog; an update bundle installs to the other slot and boots; a broken bundle (a kiosk that never gets ready)
installs, fails its health check and GRUB falls back to the previous slot. Prints how long each step took.
QEMU is always stopped at the end. Exit status 0 when every check passed.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time


class Failed(Exception):
    pass


class Console:
    """The guest's serial console through QEMU's stdio: a reader thread collects every byte (and logs it)."""

    def __init__(self, proc, log_path):
        self.proc = proc
        self.buf = b""
        self.lock = threading.Condition()
        self.log = open(log_path, "wb")
        self.eof = False
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while True:
            data = self.proc.stdout.read1(4096)
            with self.lock:
                if not data:
                    self.eof = True
                    self.lock.notify_all()
                    return
                self.buf += data
                self.log.write(data)
                self.log.flush()
                self.lock.notify_all()

    def mark(self):
        with self.lock:
            return len(self.buf)

    def expect(self, pattern, timeout, since=None, what=None):
        """Waits for a regex in the console output after position `since`; returns (match, end position)."""
        rx = re.compile(pattern.encode() if isinstance(pattern, str) else pattern)
        deadline = time.monotonic() + timeout
        with self.lock:
            pos = self.mark_unlocked() if since is None else since
            while True:
                m = rx.search(self.buf, pos)
                if m:
                    return m, m.end()
                left = deadline - time.monotonic()
                if left <= 0 or self.eof:
                    tail = self.buf[-1500:].decode("utf-8", "replace")
                    raise Failed("%s: no %r within %d s%s\n--- console tail ---\n%s" % (
                        what or "wait", pattern, timeout, " (QEMU ended)" if self.eof else "", tail))
                self.lock.wait(min(left, 1.0))

    def mark_unlocked(self):
        return len(self.buf)

    def send(self, text):
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()


class Shell:
    """Commands on the test image's root shell (serial autologin), each fenced by markers the echo cannot match."""

    def __init__(self, con):
        self.con = con
        self.n = 0

    def login(self, timeout=120):
        """Waits for the shell: a prompt may already have gone by, so ask for a fresh one until it comes."""
        deadline = time.monotonic() + timeout
        while True:
            start = self.con.mark()
            self.con.send("\n")
            try:
                self.con.expect(r"root@kiosk:[^\n]*# ", 5, start, "root shell on the serial console")
                break
            except Failed:
                if time.monotonic() > deadline:
                    raise
        # Kernel and systemd messages would mix with command output.
        self.run("dmesg -n 1; stty cols 200 -echo", 30)

    def run(self, cmd, timeout, check=True):
        self.n += 1
        n = self.n
        start = self.con.mark()
        self.con.send("echo '@@B''%d'; %s; echo \"@@E%d $?\"\n" % (n, cmd, n))
        m0, p0 = self.con.expect(r"@@B%d\r?\n" % n, timeout, start, cmd)
        m1, _ = self.con.expect(r"@@E%d (\d+)" % n, timeout, p0, cmd)
        out = self.con.buf[p0:m1.start()].decode("utf-8", "replace").replace("\r", "")
        rc = int(m1.group(1))
        if check and rc != 0:
            raise Failed("`%s` exited %d:\n%s" % (cmd, rc, out))
        return out.strip()


def step(name, t0):
    took = time.monotonic() - t0
    print("  %-58s %6.1f s" % (name, took), flush=True)
    return time.monotonic()


def wait_boot(con, since, slot, ready_timeout, what):
    """One boot into `slot` up to its health verdict; returns the console position after it."""
    t = time.monotonic()
    _, p = con.expect(r"kiosk-boot: slot %s " % slot, 120, since, what + ": GRUB picks slot " + slot)
    t = step(what + ": GRUB chose slot " + slot, t)
    m, p = con.expect(r"kiosk-health: kiosk ready (\d+)s after boot", ready_timeout, p, what + ": kiosk ready")
    step(what + ": kiosk ready (%s s after the kernel started)" % m.group(1).decode(), t)
    _, p = con.expect(r"kiosk-health: slot %s marked good" % slot, 120, p, what + ": slot marked good")
    step(what + ": slot %s marked good" % slot, t)
    return p


def booted_slot(sh):
    return sh.run("sed -n 's/.*rauc\\.slot=\\([AB]\\).*/\\1/p' /proc/cmdline", 30)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--board", required=True)
    ap.add_argument("--disk", required=True)
    ap.add_argument("--bundles", required=True, help="folder with update.raucb and broken.raucb")
    ap.add_argument("--log", required=True)
    ap.add_argument("--ready-timeout", type=int, default=300)
    ap.add_argument("--total-timeout", type=int, default=2400)
    a = ap.parse_args()

    board = {}
    out = subprocess.run(["sh", "-c", '. "$1"; set', "sh", a.board], capture_output=True, text=True, check=True)
    for line in out.stdout.splitlines():
        k, _, v = line.partition("=")
        board[k] = v.strip("'")

    work = tempfile.mkdtemp(prefix="kiosk-image-test.")
    vars_fd = os.path.join(work, "OVMF_VARS.fd")
    shutil.copyfile(board["OVMF_VARS"], vars_fd)
    # The test boots a copy, so the built image stays as it was flashed.
    disk = os.path.join(work, "disk.img")
    subprocess.run(["cp", "--sparse=always", a.disk, disk], check=True)
    qemu = [board["QEMU"]] + board["QEMU_ARGS"].split() + [
        "-display", "none", "-serial", "stdio", "-monitor", "none", "-nic", "none",
        "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + board["OVMF_CODE"],
        "-drive", "if=pflash,format=raw,unit=1,file=" + vars_fd,
        "-drive", "if=virtio,format=raw,file=" + disk,
        "-virtfs", "local,path=%s,mount_tag=bundles,security_model=none,readonly=on" % os.path.abspath(a.bundles),
    ]
    qlog = open(a.log + ".qemu-stderr", "wb")
    t_all = time.monotonic()
    proc = subprocess.Popen(qemu, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=qlog,
                            start_new_session=True)
    con = Console(proc, a.log)
    sh = Shell(con)
    killer = threading.Timer(a.total_timeout, proc.kill)
    killer.start()
    ok = False
    try:
        print("image-test: QEMU (TCG) booting %s; console in %s" % (a.disk, a.log), flush=True)
        # 1. First boot: slot A, the kiosk ready, the slot marked good.
        p = wait_boot(con, 0, "A", a.ready_timeout, "boot 1")
        sh.login()
        t = time.monotonic()
        video = sh.run("journalctl -b -u kiosk.service -o cat | grep -i -m 3 -E 'video|kmsdrm|display'", 30,
                       check=False)
        print("  kiosk's display: %s" % (video.replace("\n", " | ") or "(nothing logged)"), flush=True)

        # 2. A hung kiosk: SIGSTOP its main process; systemd's watchdog must kill and restart it.
        n0 = int(sh.run("systemctl show -P NRestarts kiosk.service", 30))
        pid0 = sh.run("systemctl show -P MainPID kiosk.service", 30)
        sh.run("kill -STOP %s" % pid0, 30)
        t = time.monotonic()
        deadline = t + 240
        while True:
            n = int(sh.run("systemctl show -P NRestarts kiosk.service", 30))
            state = sh.run("systemctl is-active kiosk.service", 30, check=False)
            if n > n0 and state == "active":
                break
            if time.monotonic() > deadline:
                raise Failed("the stopped kiosk was not restarted within 240 s (restarts %d, %s)" % (n, state))
            time.sleep(2)
        why = sh.run("journalctl -b -u kiosk.service | grep -c -i 'watchdog timeout'", 30, check=False)
        if why.strip() in ("", "0"):
            raise Failed("kiosk restarted, but not by its watchdog:\n" +
                         sh.run("journalctl -b -u kiosk.service | tail -n 20", 30, check=False))
        t = step("watchdog: stopped kiosk (pid %s) killed and ready again" % pid0, t)

        # 3. An update bundle to the other slot, then a reboot into it.
        sh.run("mkdir -p /run/bundles && mount -t 9p -o trans=virtio,ro bundles /run/bundles", 60)
        sh.run("rauc install /run/bundles/update.raucb", 900)
        t = step("update: rauc install update.raucb (to slot B)", t)
        p = con.mark()
        sh.con.send("systemctl reboot\n")
        p = wait_boot(con, p, "B", a.ready_timeout, "boot 2")
        sh.login()
        if booted_slot(sh) != "B" or sh.run("cat /etc/kiosk-image-variant", 30) != "update":
            raise Failed("boot 2 is not the update in slot B")
        t = step("update: booted slot B with the update", t)

        # 4. A broken bundle to slot A: its kiosk never gets ready, the trial boot fails, GRUB falls back to B.
        sh.run("mkdir -p /run/bundles && mount -t 9p -o trans=virtio,ro bundles /run/bundles", 60)
        sh.run("rauc install /run/bundles/broken.raucb", 900)
        t = step("rollback: rauc install broken.raucb (to slot A)", t)
        p = con.mark()
        sh.con.send("systemctl reboot\n")
        _, p = con.expect(r"kiosk-boot: slot A ", 240, p, "boot 3: GRUB picks the broken slot A")
        t = step("boot 3: GRUB chose the broken slot A", t)
        _, p = con.expect(r"kiosk-health: kiosk not healthy", a.ready_timeout, p, "boot 3: health check fails")
        _, p = con.expect(r"kiosk-health: trial boot failed: rebooting", 60, p, "boot 3: reboot to fall back")
        t = step("boot 3: health check failed, slot A not marked good, rebooting", t)
        p = wait_boot(con, p, "B", a.ready_timeout, "boot 4")
        sh.login()
        if booted_slot(sh) != "B" or sh.run("cat /etc/kiosk-image-variant", 30) != "update":
            raise Failed("boot 4 did not fall back to the update in slot B")
        env = sh.run("grub-editenv /boot/efi/EFI/BOOT/grubenv list | tr '\\n' ' '", 30)
        t = step("rollback: back on slot B (grubenv: %s)" % env.strip(), t)

        p = con.mark()
        sh.con.send("systemctl poweroff\n")
        try:
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            raise Failed("QEMU did not power off within 120 s")
        step("poweroff", t)
        ok = True
    except Failed as e:
        print("image-test: FAILED: %s" % e, flush=True)
    finally:
        killer.cancel()
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(work, ignore_errors=True)
    print("image-test: %s in %.0f s (console log %s)" % ("passed" if ok else "FAILED", time.monotonic() - t_all,
                                                         a.log), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
