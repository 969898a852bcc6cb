# SPDX-License-Identifier: MIT
"""A tiny DNS server for the tests: UDP on 127.0.0.1, a random port,
answering SRV, A and AAAA records it is given (every other question gets an
empty NOERROR answer, an unknown name NXDOMAIN), or, stalled, reading
questions and never answering. Every question is recorded."""
import socket
import threading

from dnslib import AAAA, A, QTYPE, RCODE, RR, SRV, DNSRecord


class DnsServer:
    def __init__(self, stalled=False):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.sock.settimeout(0.2)
        self.stalled = stalled
        self.records = {}       # (name, "SRV"|"A"|"AAAA") -> [rdata]
        self.questions = []     # (name, type) in the order asked
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def address(self):
        """What natter's dns.servers takes."""
        return f"127.0.0.1:{self.port}"

    def srv(self, name, priority, weight, port, target):
        self.records.setdefault((name.rstrip("."), "SRV"), []).append(
            SRV(priority=priority, weight=weight, port=port, target=target + "."))

    def a(self, name, address):
        self.records.setdefault((name.rstrip("."), "A"), []).append(A(address))

    def aaaa(self, name, address):
        self.records.setdefault((name.rstrip("."), "AAAA"), []).append(AAAA(address))

    def asked(self, name, qtype):
        return (name, qtype) in self.questions

    def _known(self, name):
        return any(n == name for n, _ in self.records)

    def _answer(self, req):
        q = req.q
        name = str(q.qname).rstrip(".")
        qtype = QTYPE[q.qtype]
        rep = req.reply()
        for rdata in self.records.get((name, qtype), []):
            rep.add_answer(RR(q.qname, q.qtype, rdata=rdata, ttl=60))
        if not rep.rr and not self._known(name):
            rep.header.rcode = RCODE.NXDOMAIN
        return rep.pack()

    def _serve(self):
        while not self._stop:
            try:
                data, peer = self.sock.recvfrom(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                req = DNSRecord.parse(data)
            except Exception:   # not DNS: ignore, as a server would
                continue
            self.questions.append((str(req.q.qname).rstrip("."), QTYPE[req.q.qtype]))
            if not self.stalled:
                self.sock.sendto(self._answer(req), peer)

    def close(self):
        self._stop = True
        self.thread.join(2)
        self.sock.close()
