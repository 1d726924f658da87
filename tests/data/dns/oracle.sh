#!/bin/sh
# oracle.sh CAPTURE: tshark's reading of every DNS message in a capture, one line each,
# tab-separated, lists joined by commas: frame, ID, QR, question name, QTYPE, RCODE, TC,
# ANCOUNT, NSCOUNT, ARCOUNT, A, AAAA, CNAME, TTLs (every record with one, in message
# order). make-dns.sh writes it next to each capture as NAME.tshark; tests/unit/test_dns.c
# prints its own reading in the same form and compares; tests/e2e/dns_oracle.sh checks
# that the .tshark files are still what tshark says.
exec tshark -n -r "${1:?usage: oracle.sh CAPTURE}" -Y dns -T fields -E separator=/t \
    -E occurrence=a -E aggregator=, -e frame.number -e dns.id -e dns.flags.response \
    -e dns.qry.name -e dns.qry.type -e dns.flags.rcode -e dns.flags.truncated \
    -e dns.count.answers -e dns.count.auth_rr -e dns.count.add_rr -e dns.a -e dns.aaaa \
    -e dns.cname -e dns.resp.ttl
