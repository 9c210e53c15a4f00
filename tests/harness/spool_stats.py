#!/usr/bin/env python3
"""spool_stats.py SEGMENT... - bytes, samples and bytes per sample of spool
segment files (docs/storage.md, "The spool"); stops at a segment's first
short record as the daemon does (the checksum is not verified here)."""
import struct
import sys

total_bytes = samples = rows = 0
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    total_bytes += len(data)
    pos = 8
    while pos + 8 <= len(data):
        length, _crc = struct.unpack_from("<II", data, pos)
        payload = data[pos + 8:pos + 8 + length]
        if len(payload) < length or not payload:
            break
        if payload[0] in (2, 3):
            (n,) = struct.unpack_from("<H", payload, 13)
            samples += n
            rows += 1
        pos += 8 + length
print("segments %d bytes %d rows %d samples %d bytes/sample %.2f"
      % (len(sys.argv) - 1, total_bytes, rows, samples,
         total_bytes / samples if samples else 0.0))
